-- target_by_group: one target's numerator and denominator per unit and staff group, so a leader
-- sees which group pulls a ratio down. T3 (the cultural-unit standard) has no staff groups and
-- gives no rows; see standard_criteria.sql for it.
-- Parameters: $period (code), $target (T1 | T2 | T4).
-- $approved_only: only versions a leader approved count (the sidebar's choice; counted_returns).
with current_staff as (
    select s.*
    from return_staff s
    join counted_returns($approved_only) r using (unit_code, period_code, version)
    where s.period_code = $period
)

select u.name as unit,
       s.staff_group,
       case s.staff_group when 'CBCC' then 'Cán bộ, công chức'
                          when 'VC' then 'Viên chức'
                          else 'Lao động hợp đồng' end as group_name,
       case $target when 'T1' then s.ethics
                    when 'T2' then s.culture
                    when 'T4' then s.cultural_families end as numerator,
       case $target when 'T4' then s.families else s.total end as denominator,
       s.unit_code
from current_staff s
join units u on u.code = s.unit_code
where $target in ('T1', 'T2', 'T4')
order by u.sort_order, case s.staff_group when 'CBCC' then 1 when 'VC' then 2 else 3 end
