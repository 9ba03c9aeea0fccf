-- return_figures: the numbers of one version of a return, one row per figure, so that two
-- versions can be compared cell by cell ("which numbers change").
-- Parameters: $unit, $period (codes), $version.
with staff as (
    select 1 as section, s.staff_group as item, f.figure, f.value
    from return_staff s,
         lateral (values ('Tổng số', s.total),
                         ('Thực hiện tốt chuẩn mực đạo đức, văn hóa công sở', s.ethics),
                         ('Tham gia hoạt động văn hóa', s.culture),
                         ('Số gia đình', s.families),
                         ('Gia đình văn hóa', s.cultural_families)) as f(figure, value)
    where s.unit_code = $unit and s.period_code = $period and s.version = $version
),

criteria as (
    select 2, criterion, 'Đạt', met::integer
    from return_criteria
    where unit_code = $unit and period_code = $period and version = $version
),

counts as (
    select 3, 'Hoạt động', 'Số hoạt động', count(*) from return_activities
    where unit_code = $unit and period_code = $period and version = $version
    union all
    select 3, 'Hoạt động', 'Kinh phí (đồng)', coalesce(sum(cost), 0) from return_activities
    where unit_code = $unit and period_code = $period and version = $version
    union all
    select 3, 'Sự kiện', 'Số lượt tham gia', coalesce(sum(participants), 0) from return_events
    where unit_code = $unit and period_code = $period and version = $version
)

select * from staff
union all select * from criteria
union all select * from counts
order by 1, 2, 3
