-- reviewed_returns: the versions a leader approved or returned, the latest decision first.
-- $limit (null = every row): the latest rows only, in the same order; with a limit, total_rows
-- says how many there are (the Phê duyệt page shows the latest 1.000 and the count).
with -- read twice with a limit (the first rows, the count), so not materialized
reviewed as not materialized (
    select r.*, u.name as unit, u.sort_order
    from returns r
    join units u on u.code = r.unit_code
    where r.status <> 'pending'
)

select period_code as period,
       unit,
       version,
       status,
       reviewed_by,
       reviewed_at,
       review_comment,
       unit_code,
       (select case when $limit is not null then count(*) end
        from reviewed
        where $limit is not null) as total_rows
from reviewed
order by reviewed_at desc nulls last, period_code, sort_order, unit_code, version
limit $limit
