-- progress: each target's numerator, denominator and ratio per unit and for the whole Office.
-- Parameters: $period (code or null = every period with a return), $unit (code or null),
-- $office_only (true: only the 'Toàn Văn phòng' rows; the overview's trend over every period
-- needs 40 rows, not the 40,000 of a province).
-- A unit expected to report but without a return is 'chưa nộp': empty numerator and ratio,
-- and it still counts in T3's denominator (the spec: never silently dropped).
with -- $approved_only: only versions a leader approved count (the sidebar's choice)
chosen_returns as (
    select * from current_returns
    where not coalesce($approved_only, false) or status = 'approved'
),

scope as (
    select code as period_code, label as period_label
    from periods
    where code = $period
       or ($period is null and code in (select period_code from returns))
),

expected as (
    select s.period_code, s.period_label, u.code as unit_code, u.name as unit, u.sort_order
    from scope s
    cross join units u
    -- a unit is expected from the period it was added until the period it was retired
    where u.active_from <= s.period_code
      and (u.retired_from is null or s.period_code < u.retired_from)
),

staff as (
    select s.unit_code, s.period_code,
           sum(s.total) as total, sum(s.ethics) as ethics, sum(s.culture) as culture,
           sum(s.families) as families, sum(s.cultural_families) as cultural_families
    from return_staff s
    join chosen_returns r using (unit_code, period_code, version)
    group by s.unit_code, s.period_code
),

-- the standard is met when criteria C1..C3 are all yes; C4 is next year's registration
standard as (
    select c.unit_code, c.period_code, bool_and(c.met) as meets
    from return_criteria c
    join chosen_returns r using (unit_code, period_code, version)
    where c.criterion in ('C1', 'C2', 'C3')
    group by c.unit_code, c.period_code
),

measures as (
    select e.*, r.version is not null as filed,
           st.total, st.ethics, st.culture, st.families, st.cultural_families, sd.meets
    from expected e
    left join chosen_returns r using (period_code, unit_code)
    left join staff st using (period_code, unit_code)
    left join standard sd using (period_code, unit_code)
),

unit_rows as (
    select period_code, period_label, unit_code, unit, sort_order, filed,
           'T1' as target, ethics as numerator, total as denominator
    from measures
    union all
    select period_code, period_label, unit_code, unit, sort_order, filed,
           'T2', culture, total
    from measures
    union all
    select period_code, period_label, unit_code, unit, sort_order, filed,
           'T3', case when filed then meets::integer end, 1
    from measures
    union all
    select period_code, period_label, unit_code, unit, sort_order, filed,
           'T4', cultural_families, families
    from measures
),

-- the Office as a whole: sums over the units that filed; T3 over every unit expected
office_rows as (
    select period_code, period_label, null as unit_code, 'Toàn Văn phòng' as unit, 0 as sort_order,
           bool_or(filed) as filed, target,
           sum(numerator) as numerator,
           case when target = 'T3' then count(*) else sum(denominator) end as denominator
    from unit_rows
    group by period_code, period_label, target
),

all_rows as (
    select * from office_rows
    union all
    select * from unit_rows
)

select a.period_code as period,
       a.unit,
       a.target,
       a.numerator,
       a.denominator,
       a.numerator / nullif(a.denominator, 0) as ratio,
       t.goal::double as goal,
       case
           when a.numerator is null then false
           when a.denominator = 0 then true
           else a.numerator >= t.goal * a.denominator
       end as met,
       case
           when a.unit_code is not null and not a.filed then 'chưa nộp'
           when a.numerator is null then 'chưa nộp'
           when a.denominator = 0 or a.numerator >= t.goal * a.denominator then 'đạt'
           else 'chưa đạt'
       end as status,
       a.unit_code,
       a.period_label,
       t.name as target_name
from all_rows a
join targets t on t.code = a.target
where ($unit is null or a.unit_code = $unit)
  and (not coalesce($office_only, false) or a.unit_code is null)
order by a.period_code, a.sort_order, a.target
