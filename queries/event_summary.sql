-- event_summary: one row per event: how many units took part, staff registered and taking part,
-- how many units brought back an achievement; from the current version of each return.
-- Parameter: $period (code or null = all); an event belongs to a period by its date, so
-- "Năm 2022" is the whole year, first half included.
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

scope as (
    select start_date, end_date
    from periods
    where code = $period
)

select d.event,
       coalesce(ev.series, d.event) as series,
       coalesce(ev.year, year(min(d.date))) as year,
       min(d.date) as date,
       count(distinct d.unit_code) as units,
       -- a unit that left "registered" empty adds nothing; when none gave it, it stays empty
       sum(d.registered)::bigint as registered,
       sum(d.participants)::bigint as participants,
       -- the share of registered staff who took part compares like with like: only the units
       -- that gave both numbers
       count(distinct d.unit_code) filter (where d.registered is not null) as registered_units,
       sum(d.participants) filter (where d.registered is not null)::bigint as registered_participants,
       count(distinct case when nullif(trim(d.achievement), '') is not null then d.unit_code end)
           as units_with_achievement,
       -- an event outside the event list was added by an upload (with a warning)
       ev.name is null or ev.added_by_upload is not null as added_by_upload
from distinct_rows d
left join events ev on ev.name = d.event
where $period is null
   or d.date between (select start_date from scope) and (select end_date from scope)
group by d.event, ev.series, ev.year, ev.name, ev.added_by_upload
order by date, d.event
