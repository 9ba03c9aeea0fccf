-- audit_log: who did what and when, newest first ("who changed this number and when").
-- Filters are optional (null = all): $actor, $action, $search (in target or details, literal),
-- $date_from, $date_to (dates, inclusive).
select logged_at, actor, action, target, details
from audit_log
where ($actor is null or actor = $actor)
  and ($action is null or action = $action)
  and ($search is null or contains(lower(concat_ws(' ', target, details)), lower($search)))
  and ($date_from is null or logged_at >= $date_from::date)
  and ($date_to is null or logged_at < $date_to::date + interval 1 day)
order by logged_at desc
