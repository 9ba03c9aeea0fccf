-- commune_activities: the activities the units carried out in the supported commune, one row
-- per activity, from the current version of each return.
-- Parameter: $period (code or null = the whole history). An activity belongs to a period by
-- its date, not by the return it came in: "Năm 2022" is the whole year, first half included.
with -- $approved_only: only versions a leader approved count (the sidebar's choice)
chosen_returns as (
    select * from current_returns
    where not coalesce($approved_only, false) or status = 'approved'
),

commune as (
    -- the commune is a setting, not a constant; ingest already stores the setting's spelling
    -- ("xã Chiềng xuân" is read as "Chiềng Xuân"), so comparing without case is enough
    select lower(value) as name
    from settings
    where key = 'supported_commune'
),

scope as (
    select start_date, end_date
    from periods
    where code = $period
),

reported as (
    select a.*, p.end_date as period_end, lower(trim(a.content)) as content_key
    from return_activities a
    join chosen_returns r using (unit_code, period_code, version)
    join periods p on p.code = a.period_code
    where lower(a.commune) = (select name from commune)
),

-- an annual return covers the whole year, so it may repeat what its unit already reported for
-- the first half: a repeat (same unit, date and content) counts once, from the newer return
distinct_activities as (
    select *
    from reported a
    where not exists (
        select 1
        from reported later
        where later.unit_code = a.unit_code
          and later.date = a.date
          and later.content_key = a.content_key
          and later.period_end > a.period_end
    )
)

select a.date,
       year(a.date) as year,
       -- half-year of the date (1 = January-June, 2 = July-December): the unit of the timeline
       case when month(a.date) <= 6 then 1 else 2 end as half,
       u.name as unit,
       a.content,
       a.kind,
       a.place,
       a.participants,
       a.cost,
       a.result,
       a.plan_item,
       a.period_code as period,
       a.unit_code
from distinct_activities a
join units u on u.code = a.unit_code
where $period is null
   or a.date between (select start_date from scope) and (select end_date from scope)
order by a.date, u.sort_order, a.row_no
