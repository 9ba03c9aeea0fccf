-- completeness: whether each unit expected to report has filed, and whether on time.
-- Parameters: $period, $unit (codes or null), $today (date the "days left/overdue" count from).
-- On time is judged by the first filing; a later correction does not make a return late.
-- Filing counts whether or not a leader has approved the return yet (shown in `approval`).
-- The units expected are the staging layer's expected_units, as for progress.
with scope as (
    select code as period_code, label as period_label, deadline
    from periods
    where code = $period
       or ($period is null and code in (select period_code from returns))
),

filings as (
    select unit_code, period_code, min(filed_at) as first_filed_at, max(version) as version,
           bool_or(status = 'approved') as any_approved,
           arg_max(status, version) as latest_status
    from returns
    where $period is null or period_code = $period  -- one period: only its returns are grouped
    group by unit_code, period_code
)

select s.period_code as period,
       u.name as unit,
       case
           when f.version is null then 'chưa nộp'
           when f.first_filed_at::date <= s.deadline then 'đúng hạn'
           else 'trễ hạn'
       end as status,
       f.first_filed_at as filed_at,
       f.version,
       s.deadline,
       -- positive: days past the deadline; negative: days still left
       date_diff('day', s.deadline, coalesce(f.first_filed_at::date, coalesce($today::date, current_date))) as days_after_deadline,
       u.code as unit_code,
       s.period_label,
       -- filing counts whatever its approval; the approval is shown beside it
       case
           when f.version is null then null
           when f.latest_status = 'pending' and f.any_approved then 'có bản mới chờ phê duyệt'
           when f.latest_status = 'pending' then 'chờ phê duyệt'
           when f.latest_status = 'approved' then 'đã phê duyệt'
           else 'trả lại'
       end as approval
from scope s
join expected_units e using (period_code)
join units u on u.code = e.unit_code
left join filings f on f.unit_code = u.code and f.period_code = s.period_code
where $unit is null or u.code = $unit
order by s.period_code, u.sort_order
