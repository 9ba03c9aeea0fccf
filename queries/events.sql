-- events: event participation rows of the current version of each return.
-- Filters are optional (null = all): $period, $unit (code), $event, $search.
-- $limit (null = every row): only the first rows, in the same order. With a limit, total_rows
-- says how many rows match (the Dữ liệu page shows the first rows and the count); without one
-- it is null (an export counts what it gets).
with -- $approved_only: only versions a leader approved count (the sidebar's choice)
chosen_returns as (
    select * from current_returns
    where not coalesce($approved_only, false) or status = 'approved'
),

-- read twice with a limit (the first rows, the count), so not materialized
matching as not materialized (
    select e.*
    from return_events e
    join chosen_returns r using (unit_code, period_code, version)
    where ($period is null or e.period_code = $period)
      and ($unit is null or e.unit_code = $unit)
      and ($event is null or e.event = $event)
      and ($search is null
           or contains(lower(concat_ws(' ', e.event, e.place, e.achievement, e.note)), lower($search)))
)

select e.period_code as period,
       u.name as unit,
       e.event,
       e.date,
       e.place,
       e.registered,
       e.participants,
       e.achievement,
       e.note,
       ev.series,
       e.unit_code,
       e.version,
       (select case when $limit is not null then count(*) end
        from matching
        where $limit is not null) as total_rows
from matching e
join units u on u.code = e.unit_code
left join events ev on ev.name = e.event
order by e.period_code, u.sort_order, e.date, e.row_no
limit $limit
