-- standard_criteria: for each unit expected to report, whether it meets each criterion of the
-- cultural-unit standard (T3); a unit without a return shows 'chưa nộp' for every criterion,
-- and, with $approved_only, a unit that filed but has no approved version 'chưa phê duyệt'.
-- Parameters: $period (code); $approved_only: only versions a leader approved count (the
-- sidebar's choice; counted_returns).
with current_criteria as (
    select c.unit_code, c.criterion, c.met, c.note
    from return_criteria c
    join counted_returns($approved_only) r using (unit_code, period_code, version)
    where c.period_code = $period
),

-- every unit that filed, approved or not: only to tell 'chưa phê duyệt' from 'chưa nộp'
filed as (
    select unit_code
    from counted_returns(false)
    where coalesce($approved_only, false) and period_code = $period
)

select u.name as unit,
       k.criterion,
       case
           when c.met is not null then case when c.met then 'đạt' else 'chưa đạt' end
           when f.unit_code is not null then 'chưa phê duyệt'
           else 'chưa nộp'
       end as status,
       c.note,
       u.code as unit_code
from expected_units e
join units u on u.code = e.unit_code
cross join (values ('C1'), ('C2'), ('C3'), ('C4')) as k(criterion)
left join current_criteria c on c.unit_code = u.code and c.criterion = k.criterion
left join filed f on f.unit_code = u.code
where e.period_code = $period
order by u.sort_order, k.criterion
