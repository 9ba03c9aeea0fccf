-- progress: each target's numerator, denominator and ratio per unit and for the whole Office.
-- Parameters: $period (code or null = every period with a return), $unit (code or null),
-- $office_only (true: only the Office's rows (is_office); the overview's trend over every period
-- needs 40 rows, not the 40,000 of a province).
-- $limit (null = every row): only the first rows, in the same order; with a limit, total_rows
-- says how many rows there are (the Dữ liệu page shows the first rows of every period's 40,000
-- and the count; its download has them all).
-- $approved_only: only versions a leader approved count (the sidebar's choice; counted_returns).
-- A unit expected to report but without a return is 'chưa nộp': empty numerator and ratio,
-- and it still counts in T3's denominator (the spec: never silently dropped). With
-- $approved_only, a unit that filed but has no approved version is 'chưa phê duyệt', not
-- 'chưa nộp' (the filing table says it filed).
-- The counting rule (README, "Cách tính chỉ tiêu khi còn đơn vị chưa nộp"): the Office's T1, T2
-- and T4 are summed over the units whose return counts; T3 is over every unit expected. counted,
-- expected and provisional (counted < expected) are the period's, on every row: while
-- provisional, the Office's rows are 'tạm tính' and never met (no verdict on part of the Office).
with scope as (
    select code as period_code, label as period_label
    from periods
    where code = $period
       or ($period is null and code in (select period_code from returns))
),

expected as (
    select s.period_code, s.period_label, u.code as unit_code, u.name as unit, u.sort_order
    from scope s
    join expected_units e using (period_code)
    join units u on u.code = e.unit_code
),

-- the version each unit's figures come from
counted as (
    select unit_code, period_code, version
    from counted_returns($approved_only)
    where $period is null or period_code = $period
),

-- every unit that filed, approved or not: only to tell 'chưa phê duyệt' from 'chưa nộp'
filed as (
    select unit_code, period_code
    from counted_returns(false)
    where coalesce($approved_only, false) and ($period is null or period_code = $period)
),

staff as (
    select s.unit_code, s.period_code,
           sum(s.total) as total, sum(s.ethics) as ethics, sum(s.culture) as culture,
           sum(s.families) as families, sum(s.cultural_families) as cultural_families
    from return_staff s
    join counted r using (unit_code, period_code, version)
    group by s.unit_code, s.period_code
),

-- the standard is met when criteria C1..C3 are all yes; C4 is next year's registration
standard as (
    select c.unit_code, c.period_code, bool_and(c.met) as meets
    from return_criteria c
    join counted r using (unit_code, period_code, version)
    where c.criterion in ('C1', 'C2', 'C3')
    group by c.unit_code, c.period_code
),

measures as (
    select e.*, r.version is not null as counts,
           r.version is not null or f.unit_code is not null as filed,
           st.total, st.ethics, st.culture, st.families, st.cultural_families, sd.meets
    from expected e
    left join counted r using (period_code, unit_code)
    left join filed f using (period_code, unit_code)
    left join staff st using (period_code, unit_code)
    left join standard sd using (period_code, unit_code)
),

-- the Office as a whole, one row per period: sums over the units whose return counts (a sum
-- skips the units without a number); T3 over every unit expected. Summed from the 10,000
-- unit-periods of a province, not from their 40,000 target rows
office as (
    select period_code, period_label, bool_or(filed) as filed,
           sum(ethics) as ethics, sum(culture) as culture, sum(total) as total,
           sum(cultural_families) as cultural_families, sum(families) as families,
           sum(case when counts then meets::integer end) as standard_met,
           count(*) filter (where counts) as counted, count(*) as expected
    from measures
    group by period_code, period_label
),

-- one row per target: each unit-period (and the Office's period) crossed with the four targets
all_rows as (
    select m.period_code, m.period_label, m.unit_code, m.unit, m.sort_order, m.counts, m.filed, t.code as target,
           case t.code
               when 'T1' then m.ethics
               when 'T2' then m.culture
               when 'T3' then case when m.counts then m.meets::integer end
               when 'T4' then m.cultural_families
           end as numerator,
           case t.code when 'T1' then m.total when 'T2' then m.total when 'T3' then 1 when 'T4' then m.families end
               as denominator
    from measures m
    cross join targets t
    where t.code in ('T1', 'T2', 'T3', 'T4')
      and not coalesce($office_only, false)
      and ($unit is null or m.unit_code = $unit)
    union all
    select o.period_code, o.period_label, null, 'Toàn Văn phòng', 0, o.counted > 0, o.filed, t.code,
           case t.code
               when 'T1' then o.ethics
               when 'T2' then o.culture
               when 'T3' then o.standard_met
               when 'T4' then o.cultural_families
           end,
           case t.code when 'T1' then o.total when 'T2' then o.total when 'T3' then o.expected
                       when 'T4' then o.families end
    from office o
    cross join targets t
    where t.code in ('T1', 'T2', 'T3', 'T4')
      and $unit is null
),

-- with a limit, the first rows in the files' order, and the figures below are worked out for
-- these only; without one, every row, sorted once below (the parameters are bound before the
-- query is planned, so the other branch is planned away)
shown as (
    select * from all_rows where $limit is null
    union all
    (select * from all_rows where $limit is not null order by period_code, sort_order, target limit $limit)
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
           when a.unit_code is null and o.counted < o.expected then false
           when a.denominator = 0 then true
           else a.numerator >= t.goal * a.denominator
       end as met,
       case
           when not a.counts and a.filed then 'chưa phê duyệt'
           when not a.counts or a.numerator is null then 'chưa nộp'
           when a.unit_code is null and o.counted < o.expected then 'tạm tính'
           when a.denominator = 0 or a.numerator >= t.goal * a.denominator then 'đạt'
           else 'chưa đạt'
       end as status,
       a.unit_code,
       a.period_label,
       t.name as target_name,
       o.counted,
       o.expected,
       o.counted < o.expected as provisional,
       -- the Office's row is found by this flag, never by its label
       a.unit_code is null as is_office,
       (select case when $limit is not null then count(*) end
        from all_rows
        where $limit is not null) as total_rows
from shown a
join targets t on t.code = a.target
join office o on o.period_code = a.period_code
order by a.period_code, a.sort_order, a.target
