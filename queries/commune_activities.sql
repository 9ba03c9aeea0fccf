-- commune_activities: the activities the units carried out in the supported commune, one row
-- per activity, from the rows each period holds (staging: period_activities).
-- Parameter: $period (code or null = the whole history). A period holds its returns' rows: a year
-- period the year's half-year and annual returns, an activity reported in both once, as the
-- annual version; the period column is the period asked for, or (whole history) the period of
-- the return the row came from. $approved_only: only versions a leader approved count.
-- $limit (null = every row): only the first rows, in the same order; with a limit, total_rows
-- says how many there are (the page lists the first ones, the download has them all).
-- A province has a hundred thousand activities there: the count and the order are worked out
-- on their keys only, and the text of an activity is read for the rows returned.
with commune as (
    -- the commune is a setting, not a constant; ingest already stores the setting's spelling
    -- ("xã Chiềng xuân" is read as "Chiềng Xuân"), so comparing without case is enough
    select lower(value) as name
    from settings
    where key = 'supported_commune'
),

-- the commune after the repeats: an annual return's version of a first-half activity decides
-- where it took place (commune_key: lower(commune), kept by the store at commit)
distinct_activities as materialized (
    select a.unit_code, a.source_period, a.version, a.row_no, a.date, a.period_code
    from period_activities($period, $approved_only) a
    join commune c on a.commune_key = c.name
),

shown as (
    select a.*, u.name as unit, u.sort_order
    from distinct_activities a
    join units u on u.code = a.unit_code
    -- the return last: two rows without a date, of one unit, may share their row number
    order by a.date, u.sort_order, a.row_no, a.source_period
    limit $limit
)

select k.date,
       year(k.date) as year,
       -- half-year of the date (1 = January-June, 2 = July-December): the unit of the timeline
       case when month(k.date) <= 6 then 1 else 2 end as half,
       k.unit,
       a.content,
       a.kind,
       a.place,
       a.participants,
       a.cost,
       a.result,
       a.plan_item,
       k.period_code as period,
       k.unit_code,
       (select case when $limit is not null then count(*) end
        from distinct_activities
        where $limit is not null) as total_rows
from shown k
-- (unit, period, version, row) is one row of a return: its text, read for the rows shown only
join return_activities a
  on a.unit_code = k.unit_code and a.period_code = k.source_period
 and a.version = k.version and a.row_no = k.row_no
order by k.date, k.sort_order, k.row_no, k.source_period
