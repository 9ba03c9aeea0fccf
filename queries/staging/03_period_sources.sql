-- period_sources: which counted returns feed which period, one row per period and return.
-- A half-year period holds its own returns. A year period is the whole year (cli.md): the
-- year's half-year returns and its annual returns alike. period null: the whole history, every
-- counted return in its own period, so each row is listed once.
-- source_kind 'Y': the return is an annual one, which wins over a half-year return of the same
-- unit and year that reported the same row (period_activities, period_events).
create or replace macro period_sources(period, approved_only) as table
    -- the periods whose returns feed the one asked, worked out on the small periods table first:
    -- an equality join of the returns with it (a condition with "or" made it a nested loop)
    with fed as (
        select p.code as period_code, s.code as source_period, s.kind as source_kind, s.year
        from periods p
        join periods s on s.year = p.year
        where p.code = period
          and (s.code = p.code or (p.kind = 'Y' and s.kind = 'H1'))
        union all
        select code, code, kind, year
        from periods
        where period is null
    )

    select f.period_code,
           r.unit_code,
           f.source_period,
           r.version,
           f.source_kind,
           f.year
    from counted_returns(approved_only) r
    join fed f on f.source_period = r.period_code
