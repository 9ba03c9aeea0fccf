-- period_sources: which counted returns feed which period, one row per period and return.
-- A half-year period holds its own returns. A year period is the whole year (cli.md): the
-- year's half-year returns and its annual returns alike. period null: the whole history, every
-- counted return in its own period, so each row is listed once.
-- own: the return is the period's own (an annual return for a year period), which wins over a
-- half-year return of the same unit that reported the same row.
create or replace macro period_sources(period, approved_only) as table
    select coalesce(p.code, r.period_code) as period_code,
           r.unit_code,
           r.period_code as source_period,
           r.version,
           rp.kind as source_kind,
           rp.year
    from counted_returns(approved_only) r
    join periods rp on rp.code = r.period_code
    left join periods p on p.code = period
    where period is null
       or rp.code = p.code
       or (p.kind = 'Y' and rp.kind = 'H1' and rp.year = p.year)
