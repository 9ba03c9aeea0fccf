-- event_participation: for each event, each unit's staff registered and taking part, and its
-- achievements; from the current version of each return. One row per event and unit.
-- Parameters: $period (code or null = all; an event belongs to a period by its date, so
-- "Năm 2022" is the whole year, first half included), $series (null = all). An event added
-- by an upload, outside the event list, has no series: it is its own series.
with -- $approved_only: only versions a leader approved count (the sidebar's choice)
chosen_returns as (
    select * from current_returns
    where not coalesce($approved_only, false) or status = 'approved'
),

-- a series is a property of the event, so choosing one before repeats are found is exact
reported as (
    select e.*,
           p.end_date as period_end,
           coalesce(ev.series, e.event) as series,
           coalesce(ev.year, year(e.date)) as year
    from return_events e
    join chosen_returns r using (unit_code, period_code, version)
    join periods p on p.code = e.period_code
    left join events ev on ev.name = e.event
    where $series is null or coalesce(ev.series, e.event) = $series
),

-- an annual return may repeat an event its unit already reported for the first half: a unit
-- takes part in an event once, so the newer return's rows are the ones that count. Found over
-- every period, not only the chosen one: a repeat may carry another date.
newest as (
    select unit_code, event, max(period_end) as newest_end
    from reported
    group by unit_code, event
),

scope as (
    select start_date, end_date
    from periods
    where code = $period
),

in_scope as (
    select e.*
    from reported e
    -- one group per key (a hash join, not a correlated scan); a row without an event is
    -- never a repeat, so it finds no group and stays
    left join newest n on n.unit_code = e.unit_code and n.event = e.event
    left join scope s on true
    where (n.newest_end is null or e.period_end = n.newest_end)
      and ($period is null or e.date between s.start_date and s.end_date)
),

-- a unit may list one event on several rows (one per distance of a race): one row per unit
per_unit as (
    select event,
           series,
           year,
           unit_code,
           min(date) as date,
           sum(registered)::bigint as registered,
           sum(participants)::bigint as participants,
           -- in the order of the return's rows; sorting each unit's short list is several times
           -- faster than an ordered string_agg (no two rows share a row_no: they are one return's)
           case when count(achievement) > 0 then array_to_string(list_transform(list_sort(
               list({'row_no': row_no, 'text': achievement}) filter (where achievement is not null)),
               x -> x.text), '; ') end as achievement,
           case when count(note) > 0 then array_to_string(list_transform(list_sort(
               list({'row_no': row_no, 'text': note}) filter (where note is not null)),
               x -> x.text), '; ') end as note
    from in_scope
    group by event, series, year, unit_code
)

select p.event,
       p.series,
       p.year,
       -- the event's date is the earliest any unit gave; events are listed in that order
       min(p.date) over (partition by p.event) as event_date,
       u.name as unit,
       p.registered,
       p.participants,
       p.achievement,
       p.note,
       p.date,
       u.short_name,
       p.unit_code
from per_unit p
join units u on u.code = p.unit_code
order by event_date, p.event, u.sort_order
