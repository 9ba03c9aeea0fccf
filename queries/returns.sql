-- returns: every stored version of every return, the newest of each unit and period current.
-- Parameters: $period, $unit (codes or null).
select r.period_code as period,
       u.name as unit,
       r.version,
       r.version = max(r.version) over (partition by r.unit_code, r.period_code) as current,
       r.filed_at,
       r.filed_by,
       r.sha256,
       r.warnings,
       r.filename,
       r.restored_from,
       r.unit_code,
       r.status,
       r.reviewed_by,
       r.reviewed_at,
       r.review_comment
from returns r
join units u on u.code = r.unit_code
where ($period is null or r.period_code = $period)
  and ($unit is null or r.unit_code = $unit)
order by r.period_code, u.sort_order, r.version
