-- uploads: every file ever uploaded, accepted or not, newest first (nothing is lost).
-- Parameters: $unit (code or null), $status (accepted | unchanged | rejected | null),
-- $search (null = all): text found in the file's name or its uploader's, literal, any case.
-- $limit (null = every row): only the newest rows, in the same order; with a limit, total_rows
-- says how many match (the archive page lists the newest ones, its download has them all).
with matching as (
    select up.*
    from uploads up
    where ($unit is null or up.unit_code = $unit)
      and ($status is null or up.status = $status)
      and ($search is null
           or contains(lower(concat_ws(' ', up.filename, up.uploaded_by)), lower($search)))
)

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
       up.upload_id,
       (select case when $limit is not null then count(*) end
        from matching
        where $limit is not null) as total_rows
from matching up
left join units u on u.code = up.unit_code
-- files.content holds the bytes: only its size is read here, the bytes when a file is asked for
left join (select sha256, size from files) f on f.sha256 = up.sha256
order by up.uploaded_at desc, up.upload_id
limit $limit
