-- activities: the activity rows each period holds (staging: period_activities), each once.
-- Filters are optional (null = all): $period (a year period is the whole year: its half-year
-- rows too, a row repeated in the annual return once, as the annual version; null = the whole
-- history, each row in the period of its return), $unit (code), $kind, $commune,
-- $date_from, $date_to, $search (text found in content, place, result
-- or commune; taken literally, so '%' or '_' match only themselves).
-- $approved_only: only versions a leader approved count (the sidebar's choice).
-- $limit (null = every row): only the first rows, in the same order. With a limit, total_rows
-- says how many rows match (the Dữ liệu page shows the first rows and the count; a province
-- has a million); without one it is null (an export counts what it gets).

-- the rows that match, by their keys only, found once: the count and the first rows both read
-- them (finding the repeats twice cost more than keeping them), and the text of a row is read
-- again for the rows returned only (a province has a million)
with matching as materialized (
    select a.period_code, a.source_period, a.unit_code, a.version, a.row_no, a.date
    from period_activities($period, $approved_only) a
    where ($unit is null or a.unit_code = $unit)
      and ($kind is null or a.kind = $kind)
      and ($commune is null or a.commune = $commune)
      and ($date_from is null or a.date >= $date_from::date)
      and ($date_to is null or a.date <= $date_to::date)
      -- lower() field by field, not of the joined text: the same string (lower maps each character
      -- on its own), but DuckDB lowers a compressed column's distinct values once each instead of
      -- every row's text (3 times faster); commune_key is lower(commune), kept by the store at commit
      and ($search is null
           or contains(concat_ws(' ', lower(a.content), lower(a.place), lower(a.result), a.commune_key),
                       lower($search)))
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
       k.date,
       a.content,
       a.kind,
       a.commune,
       a.place,
       a.participants,
       a.cost,
       a.result,
       a.plan_item,
       k.unit_code,
       k.version,
       -- the return the row came from (cli.md): the half-year one for a year's first-half row
       k.source_period,
       (select case when $limit is not null then count(*) end
        from matching
        where $limit is not null) as total_rows
from shown k
-- (unit, period, version, row) is one row of a return: its text, read for the rows shown only
join return_activities a
  on a.unit_code = k.unit_code and a.period_code = k.source_period
 and a.version = k.version and a.row_no = k.row_no
order by k.period_code, k.sort_order, k.date, k.source_period, k.row_no
