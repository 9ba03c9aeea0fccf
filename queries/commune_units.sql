-- commune_units: for each unit, what it did in the supported commune: the number of
-- activities, the people taking part (person-times) and the money spent.
-- Parameter: $period (code or null = the whole history); an activity belongs to a period by its
-- date, so "Năm 2022" is the whole year. Every active unit has a row, a unit that did nothing
-- there with 0 activities: a leader must see who has not helped, not only who has.
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

scope as (
    select start_date, end_date
    from periods
    where code = $period
),

-- the chosen period's dates are applied here, before repeats are found: a repeat has the same
-- date, so a row and its repeat are always both in or both out of the period
reported as (
    select a.*, p.end_date as period_end
    from return_activities a
    join chosen_returns r using (unit_code, period_code, version)
    join periods p on p.code = a.period_code
    left join scope s on true
    -- commune_key, content_key: lower(commune), lower(trim(content)), kept by the store at commit
    where a.commune_key = (select name from commune)
      and ($period is null or a.date between s.start_date and s.end_date)
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
),

per_unit as (
    select unit_code,
           count(*) as activities,
           sum(participants)::bigint as participants,
           sum(cost)::bigint as cost,
           max(date) as last_date
    from distinct_activities
    group by unit_code
)

-- nothing done is 0 people and 0 đồng; an activity without a count stays unknown (null)
select u.name as unit,
       coalesce(p.activities, 0) as activities,
       case when p.activities is null then 0 else p.participants end as participants,
       case when p.activities is null then 0 else p.cost end as cost,
       p.last_date,
       u.short_name,
       u.code as unit_code
from units u
left join per_unit p on p.unit_code = u.code
where u.active or p.activities is not null  -- a retired unit still shows what it did
order by u.sort_order
