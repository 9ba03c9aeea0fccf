-- event_summary: one row per event: how many units took part, staff registered and taking part,
-- how many units brought back an achievement; from the rows each period holds (staging:
-- period_events). Parameter: $period (code or null = the whole history; a year period is the
-- whole year, its half-year rows too, a row the annual return repeats once, as the annual
-- version); $approved_only: only versions a leader approved count.
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
from period_events($period, $approved_only) d
left join events ev on ev.name = d.event
group by d.event, ev.series, ev.year, ev.name, ev.added_by_upload
order by date, d.event
