-- uploads: every file ever uploaded, accepted or not, newest first (nothing is lost).
-- Parameters: $unit (code or null), $status (accepted | unchanged | rejected | null).
select up.uploaded_at,
       up.filename,
       up.uploaded_by,
       up.status,
       up.unit_code,
       u.name as unit,
       up.period_code as period,
       up.version,
       up.sha256,
       f.size,
       up.problems,
       up.upload_id
from uploads up
left join units u on u.code = up.unit_code
left join files f on f.sha256 = up.sha256
where ($unit is null or up.unit_code = $unit)
  and ($status is null or up.status = $status)
order by up.uploaded_at desc, up.upload_id
