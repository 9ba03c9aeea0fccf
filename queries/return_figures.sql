-- return_figures: the numbers of one version of a return, one row per figure, so that two
-- versions can be compared cell by cell ("which numbers change").
-- Parameters: $unit, $period (codes), $version.
-- Figures are named by the form spec's keys (field names, met, count, cost, participants); vanhoa/compare.py
-- labels them for the screen.
with staff as (
    select 1 as section, s.staff_group as item, f.figure, f.value
    from return_staff s,
         lateral (values ('total', s.total), ('ethics', s.ethics), ('culture', s.culture),
                         ('families', s.families), ('cultural_families', s.cultural_families)) as f(figure, value)
    where s.unit_code = $unit and s.period_code = $period and s.version = $version
),

criteria as (
    select 2, criterion, 'met', met::integer
    from return_criteria
    where unit_code = $unit and period_code = $period and version = $version
),

counts as (
    select 3, 'activities', 'count', count(*) from return_activities
    where unit_code = $unit and period_code = $period and version = $version
    union all
    select 3, 'activities', 'cost', coalesce(sum(cost), 0) from return_activities
    where unit_code = $unit and period_code = $period and version = $version
    union all
    select 3, 'events', 'participants', coalesce(sum(participants), 0) from return_events
    where unit_code = $unit and period_code = $period and version = $version
)

select * from staff
union all select * from criteria
union all select * from counts
order by 1, 2, 3
