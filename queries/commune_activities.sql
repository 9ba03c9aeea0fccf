-- commune_activities: the activities the units carried out in the supported commune, one row
-- per activity, from the current version of each return.
-- Parameter: $period (code or null = the whole history). An activity belongs to a period by
-- its date, not by the return it came in: "Năm 2022" is the whole year, first half included.
-- $limit (null = every row): only the first rows, in the same order; with a limit, total_rows
-- says how many there are (the page lists the first ones, the download has them all).
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

-- an annual return covers the whole year, so it may repeat what its unit already reported for
-- the first half: a repeat (same unit, date and content) counts once, from the newer return
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
       a.unit_code,
       (select case when $limit is not null then count(*) end
        from distinct_activities
        where $limit is not null) as total_rows
from distinct_activities a
join units u on u.code = a.unit_code
order by a.date, u.sort_order, a.row_no
limit $limit
