-- audit_log: who did what and when, newest first ("who changed this number and when").
-- Filters are optional (null = all): $actor, $action, $search (in target or details, literal),
-- $date_from, $date_to (dates, inclusive).
-- $limit (null = every row): only the newest rows, in the same order; with a limit, total_rows
-- says how many match (the page lists the newest ones, its download has them all).
with matching as (
    select logged_at, actor, action, target, details
    from audit_log
    where ($actor is null or actor = $actor)
      and ($action is null or action = $action)
      and ($search is null or contains(lower(concat_ws(' ', target, details)), lower($search)))
      and ($date_from is null or logged_at >= $date_from::date)
      and ($date_to is null or logged_at < $date_to::date + interval 1 day)
)

select logged_at, actor, action, target, details,
       (select case when $limit is not null then count(*) end
        from matching
        where $limit is not null) as total_rows
from matching
order by logged_at desc
limit $limit
