-- event_trend: how participation in a recurring event changes from year to year: one row per
-- series (events.series groups the yearly editions, e.g. the Mộc Châu marathon) and year that
-- has participation in the rows of some return (staging: period_events over the whole history,
-- a row the annual return repeats once). $approved_only: only versions a leader approved count.
-- No period: every year is shown. A year without a row has no data yet (not zero people).

-- an event added by an upload, outside the event list, has no series: it is its own series
with editions as (
    select d.*,
           coalesce(ev.series, d.event) as series,
           coalesce(ev.year, year(d.date)) as year
    from period_events(null, $approved_only) d
    left join events ev on ev.name = d.event
),

-- how many yearly editions the event list plans for each series: more than one is recurring
planned as (
    select series, count(*) as planned_editions
    from events
    where series is not null
    group by series
)

select e.series,
       e.year,
       string_agg(distinct e.event, '; ') as event,
       min(e.date) as date,
       count(distinct e.unit_code) as units,
       sum(e.registered)::bigint as registered,
       sum(e.participants)::bigint as participants,
       count(distinct case when nullif(trim(e.achievement), '') is not null then e.unit_code end)
           as units_with_achievement,
       coalesce(any_value(p.planned_editions), 1) as planned_editions
from editions e
left join planned p using (series)
group by e.series, e.year
order by e.series, e.year
