-- event_participation: for each event, each unit's staff registered and taking part, and its
-- achievements; from the rows each period holds (staging: period_events). One row per event and
-- unit. Parameters: $period (code or null = the whole history; a year period is the whole year,
-- its half-year rows too, a row the annual return repeats once, as the annual version),
-- $series (null = all), $approved_only (only versions a leader approved count). An event added
-- by an upload, outside the event list, has no series: it is its own series.
with in_scope as (
    select e.*,
           coalesce(ev.series, e.event) as series,
           coalesce(ev.year, year(e.date)) as year
    from period_events($period, $approved_only) e
    left join events ev on ev.name = e.event
    -- a series is a property of the event, so choosing one after the repeats is exact
    where $series is null or coalesce(ev.series, e.event) = $series
),

-- a unit may list one event on several rows (one per distance of a race), or in both of a
-- year's returns on different dates: one row per unit
per_unit as (
    select event,
           series,
           year,
           unit_code,
           min(date) as date,
           sum(registered)::bigint as registered,
           sum(participants)::bigint as participants,
           -- in the order of the returns' rows; sorting each unit's short list is several times
           -- faster than an ordered string_agg (a row is one return's row: its period and number)
           case when count(achievement) > 0 then array_to_string(list_transform(list_sort(
               list({'source': source_period, 'row_no': row_no, 'text': achievement})
                   filter (where achievement is not null)),
               x -> x.text), '; ') end as achievement,
           case when count(note) > 0 then array_to_string(list_transform(list_sort(
               list({'source': source_period, 'row_no': row_no, 'text': note}) filter (where note is not null)),
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
