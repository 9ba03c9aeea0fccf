-- pending_returns: the versions waiting for a leader's decision (staging: waiting_versions),
-- oldest period first, then in the units' order, each with the version of its unit and period
-- approved last (the one it would replace and is compared with; null when none is).
-- Filters are optional (null = all): $period, $unit (codes).
-- $limit (null = every row): the first rows only, in the same order; with a limit, total_rows
-- says how many wait (the page shows a page of them and the count). pending_changes takes the
-- same parameters and gives the figures of the same versions.
with -- read twice with a limit (the first rows, the count), so not materialized
waiting as not materialized (
    select * from waiting_versions($period, $unit)
)

select w.period_code as period,
       w.unit,
       w.version,
       w.filed_at,
       w.filed_by,
       w.warnings,
       w.filename,
       w.unit_code,
       w.approved_version,
       (select case when $limit is not null then count(*) end
        from waiting
        where $limit is not null) as total_rows
from waiting w
-- the unit's code after its order: units sharing a sort order still come in one order, so
-- pending_changes picks the same first rows
order by w.period_code, w.sort_order, w.unit_code, w.version
limit $limit
