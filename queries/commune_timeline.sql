-- commune_timeline: what the units did in the supported commune in each half-year, by kind of
-- activity: the number of activities, the people taking part (person-times) and the money spent.
-- No parameter: the page shows the whole history and highlights the chosen period itself.
-- Half-years of the activity date, not report periods: an annual return spans the whole year,
-- so counting by return would count the first half twice.
with -- $approved_only: only versions a leader approved count (the sidebar's choice)
chosen_returns as (
    select * from current_returns
    where not coalesce($approved_only, false) or status = 'approved'
),

commune as (
    -- the commune is a setting; ingest already stores the setting's spelling
    select lower(value) as name
    from settings
    where key = 'supported_commune'
),

reported as (
    select a.*, p.end_date as period_end
    from return_activities a
    join chosen_returns r using (unit_code, period_code, version)
    join periods p on p.code = a.period_code
    -- commune_key, content_key: lower(commune), lower(trim(content)), kept by the store at commit
    where a.commune_key = (select name from commune)
),

-- an annual return may repeat what its unit already reported for the first half: a repeat
-- (same unit, date and content) counts once, from the newer return
newest as (
    select unit_code, date, content_key, max(period_end) as newest_end
    from reported
    group by unit_code, date, content_key
),

distinct_activities as (
    select a.*
    from reported a
    -- one group per key (a hash join, not a correlated scan); a row without a date or
    -- content is never a repeat, so it finds no group and stays
    left join newest n
           on n.unit_code = a.unit_code and n.date = a.date and n.content_key = a.content_key
    where n.newest_end is null or a.period_end = n.newest_end
)

select year(date) as year,
       case when month(date) <= 6 then 1 else 2 end as half,
       kind,
       count(*) as activities,
       -- an empty count is unknown, not zero; a half-year where nobody gave one stays empty
       sum(participants)::bigint as participants,
       sum(cost)::bigint as cost,
       count(distinct unit_code) as units
from distinct_activities
group by all
order by year, half, kind
