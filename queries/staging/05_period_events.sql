-- period_events: the event participation rows a period holds (period_sources), each once.
-- As for activities: a half-year row whose unit, date and event are also in the same unit's
-- annual return of that year counts once, as the annual version (cli.md); a unit listing one
-- event on several rows (one per distance of a race) keeps all the annual ones. A row without
-- a date or event is never a repeat: null matches nothing.
-- period_code is the period the row counts in; source_period the return it came from.
create or replace macro period_events(period, approved_only) as table
    with sources as materialized (
        select * from period_sources(period, approved_only)
    ),

    reported as not materialized (
        select s.period_code, s.source_period, s.source_kind, s.year,
               e.* exclude (period_code),
               hash(e.unit_code, s.year, e.date, e.event) as key_hash
        from return_events e
        join sources s
          on s.unit_code = e.unit_code and s.source_period = e.period_code and s.version = e.version
    ),

    annual as not materialized (
        select * from reported where source_kind = 'Y'
    ),

    -- the half-year rows whose key's hash an annual row shares, then the key itself decides
    candidates as (
        select h.unit_code, h.source_period, h.version, h.row_no, h.year, h.date, h.event, h.key_hash
        from reported h
        semi join annual y on y.key_hash = h.key_hash
        where h.source_kind = 'H1'
    ),

    repeats as (
        select c.unit_code, c.source_period, c.version, c.row_no
        from candidates c
        semi join annual y
               on y.key_hash = c.key_hash
              and y.unit_code = c.unit_code and y.year = c.year
              and y.date = c.date and y.event = c.event
    )

    -- the repeats are removed by their row's identity: an anti join whose condition also named the
    -- half-year side alone (source_kind = 'H1') ran as a nested loop, 50 s for a province's year
    select r.* exclude (source_kind, year, key_hash)
    from reported r
    anti join repeats p
           on p.unit_code = r.unit_code and p.source_period = r.source_period
          and p.version = r.version and p.row_no = r.row_no
