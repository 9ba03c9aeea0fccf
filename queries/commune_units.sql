-- commune_units: for each unit, what it did in the supported commune: the number of
-- activities, the people taking part (person-times) and the money spent.
-- Parameter: $period (code or null = the whole history); a period holds its returns' rows
-- (staging: period_activities), so "Năm 2022" is the whole year, an activity its annual return
-- repeats counted once. $approved_only: only versions a leader approved count. Every active
-- unit has a row, a unit that did nothing there with 0 activities: a leader must see who has
-- not helped, not only who has.
with commune as (
    -- the commune is a setting; ingest already stores the setting's spelling
    select lower(value) as name
    from settings
    where key = 'supported_commune'
),

per_unit as (
    select a.unit_code,
           count(*) as activities,
           sum(a.participants)::bigint as participants,
           sum(a.cost)::bigint as cost,
           max(a.date) as last_date
    from period_activities($period, $approved_only) a
    -- commune_key: lower(commune), kept by the store at commit
    join commune c on a.commune_key = c.name
    group by a.unit_code
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
