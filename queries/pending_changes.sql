-- pending_changes: for each version pending_returns lists with the same parameters, the
-- figures a leader reviews: those that differ from the version of its unit and period
-- approved last, or every figure when none is approved. One query for the page's whole list
-- (return_figures is one version at a time: 25 versions shown were 25-50 queries).
-- The figures are return_figures' (one row per figure); a figure missing on either side
-- counts as changed, as the page always counted it.
-- Parameters: $period, $unit (codes or null), $limit (null: every waiting version).
with -- the same rows as pending_returns, in its order
shown as (
    select w.unit_code, w.period_code, w.version, w.sort_order, w.approved_version
    from waiting_versions($period, $unit) w
    order by w.period_code, w.sort_order, w.unit_code, w.version
    limit $limit
),

-- the shown versions and the approved ones they are compared with
versions as (
    select unit_code, period_code, version from shown
    union
    select unit_code, period_code, approved_version from shown where approved_version is not null
),

staff as (
    -- the shown versions' rows first, then one row per figure (unpivoting the whole table
    -- before the join took twice as long)
    select s.unit_code, s.period_code, s.version, 1 as section, s.staff_group as item, f.figure, f.value
    from (select s.* from return_staff s join versions v using (unit_code, period_code, version)) s,
         lateral (values ('total', s.total), ('ethics', s.ethics), ('culture', s.culture),
                         ('families', s.families), ('cultural_families', s.cultural_families)) as f(figure, value)
),

criteria as (
    select c.unit_code, c.period_code, c.version, 2, c.criterion, 'met', c.met::integer
    from return_criteria c
    join versions v using (unit_code, period_code, version)
),

activity_totals as (
    select a.unit_code, a.period_code, a.version, count(*) as activities, sum(a.cost) as cost
    from return_activities a
    join versions v using (unit_code, period_code, version)
    group by all
),

event_totals as (
    select e.unit_code, e.period_code, e.version, sum(e.participants) as participants
    from return_events e
    join versions v using (unit_code, period_code, version)
    group by all
),

-- a version without activities or events still has its three counts, at 0
counts as (
    select v.unit_code, v.period_code, v.version, 3, 'activities', 'count', coalesce(a.activities, 0)
    from versions v
    left join activity_totals a using (unit_code, period_code, version)
    union all
    select v.unit_code, v.period_code, v.version, 3, 'activities', 'cost', coalesce(a.cost, 0)
    from versions v
    left join activity_totals a using (unit_code, period_code, version)
    union all
    select v.unit_code, v.period_code, v.version, 3, 'events', 'participants', coalesce(e.participants, 0)
    from versions v
    left join event_totals e using (unit_code, period_code, version)
),

figures as (
    select * from staff
    union all select * from criteria
    union all select * from counts
)

select s.period_code as period,
       s.unit_code,
       s.version,
       n.section,
       n.item,
       n.figure,
       o.value as value_old,
       n.value
from shown s
join figures n on n.unit_code = s.unit_code and n.period_code = s.period_code and n.version = s.version
left join figures o
       on o.unit_code = s.unit_code and o.period_code = s.period_code and o.version = s.approved_version
      and o.section = n.section and o.item = n.item and o.figure = n.figure
where s.approved_version is null
   or n.value is null or o.value is null or n.value <> o.value
order by s.period_code, s.sort_order, s.unit_code, s.version, n.section, n.item, n.figure
