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

-- read twice with a limit (the first rows, the count), so not materialized: without a text
-- search, copying a million rows would cost more than filtering them twice (the repeats are
-- found by the store at commit, so reading what a period holds is a join, not a search)
with filtered as not materialized (
    select a.*
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

-- a text search reads every row's text: its rows are found once and kept for both the count
-- and the first rows (a rare word otherwise made the first rows scan the whole table again)
searched as materialized (
    select * from filtered where $search is not null
),

-- one branch or the other: the parameters are bound before the query is planned, so the other
-- is planned away (no search: no copy, and the first rows still skip what they can)
matching as not materialized (
    select * from filtered where $search is null
    union all
    select * from searched
),

with_units as not materialized (
    select a.*, u.name as unit, u.sort_order
    from matching a
    join units u on u.code = a.unit_code
),

-- the first rows, in the files' order: with no period asked, each row's period is its return's,
-- sorted by the table's own column, so the scan skips every period after the first rows'
-- (a million rows read 3 times faster); with one asked, the period is one value and the units
-- come first. One branch or the other is planned away, as for the search above
first_rows as (
    (select * from with_units where $period is null
     order by source_period, sort_order, date, row_no limit $limit)
    union all
    (select * from with_units where $period is not null
     order by sort_order, date, source_period, row_no limit $limit)
)

select a.period_code as period,
       a.unit,
       a.date,
       a.content,
       a.kind,
       a.commune,
       a.place,
       a.participants,
       a.cost,
       a.result,
       a.plan_item,
       a.unit_code,
       a.version,
       -- the return the row came from (cli.md): the half-year one for a year's first-half row
       a.source_period,
       (select case when $limit is not null then count(*) end
        from matching
        where $limit is not null) as total_rows
from first_rows a
-- a unit's half-year and annual rows of one date may share a row number: the return decides
order by a.period_code, a.sort_order, a.date, a.source_period, a.row_no
