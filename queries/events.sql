-- events: the event participation rows each period holds (staging: period_events), each once.
-- Filters are optional (null = all): $period (a year period is the whole year: its half-year
-- rows too, a row repeated in the annual return once, as the annual version; null = the whole
-- history, each row in the period of its return), $unit (code), $event, $search.
-- $approved_only: only versions a leader approved count (the sidebar's choice).
-- $limit (null = every row): only the first rows, in the same order. With a limit, total_rows
-- says how many rows match (the Dữ liệu page shows the first rows and the count); without one
-- it is null (an export counts what it gets).

-- read twice with a limit (the first rows, the count), so not materialized
with matching as not materialized (
    select e.*
    from period_events($period, $approved_only) e
    where ($unit is null or e.unit_code = $unit)
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
       -- the return the row came from (cli.md): the half-year one for a year's first-half row
       e.source_period,
       (select case when $limit is not null then count(*) end
        from matching
        where $limit is not null) as total_rows
from matching e
join units u on u.code = e.unit_code
left join events ev on ev.name = e.event
-- a unit's half-year and annual rows of one date may share a row number: the return decides
order by e.period_code, u.sort_order, e.date, e.source_period, e.row_no
limit $limit
