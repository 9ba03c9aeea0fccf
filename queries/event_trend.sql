-- event_trend: how participation in a recurring event changes from year to year: one row per
-- series (events.series groups the yearly editions, e.g. the Mộc Châu marathon) and year that
-- has participation in the current version of some return.
-- No parameter: every year is shown. A year without a row has no data yet (not zero people).
with -- $approved_only: only versions a leader approved count (the sidebar's choice)
chosen_returns as (
    select * from current_returns
    where not coalesce($approved_only, false) or status = 'approved'
),

reported as (
    select e.*, p.end_date as period_end
    from return_events e
    join chosen_returns r using (unit_code, period_code, version)
    join periods p on p.code = e.period_code
),

-- an annual return may repeat an event its unit already reported for the first half: a unit
-- takes part in an event once, so the newer return's rows are the ones that count. Found over
-- every period, not only the chosen one: a repeat may carry another date.
newest as (
    select unit_code, event, max(period_end) as newest_end
    from reported
    group by unit_code, event
),

distinct_rows as (
    select e.*
    from reported e
    -- one group per key (a hash join, not a correlated scan); a row without an event is
    -- never a repeat, so it finds no group and stays
    left join newest n on n.unit_code = e.unit_code and n.event = e.event
    where n.newest_end is null or e.period_end = n.newest_end
),

-- an event added by an upload, outside the event list, has no series: it is its own series
editions as (
    select d.*,
           coalesce(ev.series, d.event) as series,
           coalesce(ev.year, year(d.date)) as year
    from distinct_rows d
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
