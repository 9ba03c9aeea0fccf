-- commune_activities: the activities the units carried out in the supported commune, one row
-- per activity, from the current version of each return.
-- Parameter: $period (code or null = the whole history). An activity belongs to a period by
-- its date, not by the return it came in: "Năm 2022" is the whole year, first half included.
-- $limit (null = every row): only the first rows, in the same order; with a limit, total_rows
-- says how many there are (the page lists the first ones, the download has them all).
-- A province has a hundred thousand activities there: repeats, the count and the order are
-- worked out on their keys only, and the text of an activity is read for the rows returned.
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
    select a.unit_code, a.period_code, a.version, a.row_no, a.date, a.content_key,
           p.end_date as period_end,
           -- the repeat key as one number, cheap to group (a string key is not)
           hash(a.unit_code, a.date, a.content_key) as key_hash
    from return_activities a
    -- a join, not a scalar subquery: the commune's key then filters the table's scan itself
    -- (commune_key, content_key: lower(commune), lower(trim(content)), kept by the store at commit)
    join commune c on a.commune_key = c.name
    join chosen_returns r using (unit_code, period_code, version)
    join periods p on p.code = a.period_code
    left join scope s on true
    where $period is null or a.date between s.start_date and s.end_date
),

-- an annual return covers the whole year, so it may repeat what its unit already reported for
-- the first half: a repeat (same unit, date and content) counts once, from the newer return.
-- Repeats are few (an annual return normally lists what came after the first half), so the
-- keys that occur in returns ending on different dates are found first by their hash ...
spread as (
    select key_hash
    from reported
    group by key_hash
    having min(period_end) < max(period_end)
),

candidates as (
    select * from reported semi join spread using (key_hash)
),

-- ... and the key itself decides among those rows (a hash may be shared by two keys). A row
-- without a date or content is never a repeat: null matches nothing
repeats as (
    select a.unit_code, a.period_code, a.version, a.row_no
    from candidates a
    semi join candidates b
           on b.unit_code = a.unit_code and b.date = a.date and b.content_key = a.content_key
          and b.period_end > a.period_end
),

distinct_activities as materialized (
    select a.* exclude (key_hash)
    from reported a
    anti join repeats using (unit_code, period_code, version, row_no)
),

shown as (
    select a.*, u.name as unit, u.sort_order
    from distinct_activities a
    join units u on u.code = a.unit_code
    -- the period last: two rows without a date, of one unit, may share their row number
    order by a.date, u.sort_order, a.row_no, a.period_code
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
join return_activities a using (unit_code, period_code, version, row_no)
order by k.date, k.sort_order, k.row_no, k.period_code
