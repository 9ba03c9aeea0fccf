-- standard_criteria: for each unit expected to report, whether it meets each criterion of the
-- cultural-unit standard (T3); a unit without a return shows 'chưa nộp' for every criterion.
-- Parameters: $period (code).
with -- $approved_only: only versions a leader approved count (the sidebar's choice)
chosen_returns as (
    select * from current_returns
    where not coalesce($approved_only, false) or status = 'approved'
),

current_criteria as (
    select c.unit_code, c.criterion, c.met, c.note
    from return_criteria c
    join chosen_returns r using (unit_code, period_code, version)
    where c.period_code = $period
)

select u.name as unit,
       k.criterion,
       case when c.met is null then 'chưa nộp' when c.met then 'đạt' else 'chưa đạt' end as status,
       c.note,
       u.code as unit_code
from units u
cross join (values ('C1'), ('C2'), ('C3'), ('C4')) as k(criterion)
left join current_criteria c on c.unit_code = u.code and c.criterion = k.criterion
where u.active_from <= $period
  and (u.retired_from is null or $period < u.retired_from)
order by u.sort_order, k.criterion
