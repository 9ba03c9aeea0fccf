-- events: the event participation rows each period holds (staging: period_events), each once.
-- Filters are optional (null = all): $period (a year period is the whole year: its half-year
-- rows too, a row repeated in the annual return once, as the annual version; null = the whole
-- history, each row in the period of its return), $unit (code), $event, $search.
-- $approved_only: only versions a leader approved count (the sidebar's choice).
-- $limit (null = every row): only the first rows, in the same order. With a limit, total_rows
-- says how many rows match (the Dữ liệu page shows the first rows and the count); without one
-- it is null (an export counts what it gets).

-- the rows that match, by their keys only, found once: the count and the first rows both read
-- them (finding the repeats twice cost more than keeping them); the text is read for the rows
-- returned only
with matching as materialized (
    select e.period_code, e.source_period, e.unit_code, e.version, e.row_no, e.date
    from period_events($period, $approved_only) e
    where ($unit is null or e.unit_code = $unit)
      and ($event is null or e.event = $event)
      and ($search is null
           or contains(lower(concat_ws(' ', e.event, e.place, e.achievement, e.note)), lower($search)))
),

shown as (
    select k.*, u.name as unit, u.sort_order
    from matching k
    join units u on u.code = k.unit_code
    -- a unit's half-year and annual rows of one date may share a row number: the return decides
    order by k.period_code, u.sort_order, k.date, k.source_period, k.row_no
    limit $limit
)

select k.period_code as period,
       k.unit,
       e.event,
       k.date,
       e.place,
       e.registered,
       e.participants,
       e.achievement,
       e.note,
       ev.series,
       k.unit_code,
       k.version,
       -- the return the row came from (cli.md): the half-year one for a year's first-half row
       k.source_period,
       (select case when $limit is not null then count(*) end
        from matching
        where $limit is not null) as total_rows
from shown k
join return_events e
  on e.unit_code = k.unit_code and e.period_code = k.source_period
 and e.version = k.version and e.row_no = k.row_no
left join events ev on ev.name = e.event
order by k.period_code, k.sort_order, k.date, k.source_period, k.row_no
