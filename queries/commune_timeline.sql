-- commune_timeline: what the units did in the supported commune in each half-year, by kind of
-- activity: the number of activities, the people taking part (person-times) and the money spent.
-- No period: the page shows the whole history and highlights the chosen period itself. Each
-- activity once (staging: period_activities over the whole history, a first-half activity the
-- annual return repeats as the annual version), in the half-year of its date: an annual return
-- spans the whole year, so its rows fall in both halves. $approved_only: only versions a leader
-- approved count.
with commune as (
    -- the commune is a setting; ingest already stores the setting's spelling
    select lower(value) as name
    from settings
    where key = 'supported_commune'
),

distinct_activities as (
    select a.*
    from period_activities(null, $approved_only) a
    -- commune_key: lower(commune), kept by the store at commit
    join commune c on a.commune_key = c.name
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
