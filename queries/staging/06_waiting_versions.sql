-- waiting_versions: the versions waiting for a leader's decision, each with its unit's name and
-- order and the version of its unit and period approved last (the one it would replace and is
-- compared with; null when none is). pending_returns lists them and pending_changes gives their
-- figures: one rule for "waiting", so the list and its figures never disagree.
-- period, unit: codes, or null for every one.
create or replace macro waiting_versions(period, unit) as table
    with approved as (
        select unit_code, period_code, max(version) as approved_version
        from returns
        where status = 'approved'
        group by unit_code, period_code
    )
    select r.*, u.name as unit, u.sort_order, a.approved_version
    from returns r
    join units u on u.code = r.unit_code
    left join approved a on a.unit_code = r.unit_code and a.period_code = r.period_code
    where r.status = 'pending'
      and (period is null or r.period_code = period)
      and (unit is null or r.unit_code = unit)
