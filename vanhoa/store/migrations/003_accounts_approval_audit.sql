-- Accounts, roles, approval and the audit log.

drop view current_returns;

-- pending | approved | returned
alter table returns add column status varchar default 'pending';

alter table returns add column reviewed_by varchar;

alter table returns add column reviewed_at timestamp;

alter table returns add column review_comment varchar;

-- A unit is expected to report from `active_from` until before `retired_from` (period codes
-- sort in time order), so retiring a unit keeps its history and its past periods' counts.
alter table units add column active_from varchar default '2022-H1';

alter table units add column retired_from varchar;

-- An approved version is locked in: a newer upload waits for approval before it counts.
-- A version returned for correction counts only when nothing else was filed.
create view current_returns as
    select * from returns
    window w as (partition by unit_code, period_code)
    qualify version = coalesce(max(version) filter (where status = 'approved') over w,
                               max(version) filter (where status <> 'returned') over w,
                               max(version) over w);

create table accounts (name varchar primary key, display_name varchar, role varchar not null,
    unit_code varchar, password_hash varchar not null, active boolean not null default true,
    failed_attempts integer not null default 0, locked_until timestamp,
    created_at timestamp not null, password_changed_at timestamp);

create table sessions (token_hash varchar primary key, account varchar not null,
    created_at timestamp not null, expires_at timestamp not null);

create table audit_log (logged_at timestamp not null, actor varchar, action varchar not null,
    target varchar, details varchar);
