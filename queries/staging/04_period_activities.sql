-- period_activities: the activity rows a period holds (period_sources), each activity once.
-- A unit's annual return may repeat what it already reported for the first half: a half-year
-- row whose unit, date and content (without case or outer spaces) are also in the same unit's
-- annual return of that year counts once, as the annual version (cli.md). A row without a date
-- or content is never a repeat: null matches nothing.
-- period_code is the period the row counts in; source_period the return it came from.
create or replace macro period_activities(period, approved_only) as table
    with sources as materialized (
        select * from period_sources(period, approved_only)
    ),

    -- not materialized: each use reads only the columns it needs (a province has a million rows)
    reported as not materialized (
        select s.period_code, s.source_period, s.source_kind, s.year,
               a.* exclude (period_code),
               -- the repeat key as one number, cheap to compare (the strings are not)
               hash(a.unit_code, s.year, a.date, a.content_key) as key_hash
        from return_activities a
        join sources s
          on s.unit_code = a.unit_code and s.source_period = a.period_code and s.version = a.version
    ),

    annual as not materialized (
        select * from reported where source_kind = 'Y'
    ),

    -- repeats are few (an annual return mostly lists what came after the first half): the
    -- half-year rows whose key's hash an annual row shares are found first ...
    candidates as (
        select h.unit_code, h.source_period, h.version, h.row_no, h.year, h.date, h.content_key, h.key_hash
        from reported h
        semi join annual y on y.key_hash = h.key_hash
        where h.source_kind = 'H1'
    ),

    -- ... and the key itself decides among them (two keys may share a hash)
    repeats as (
        select c.unit_code, c.source_period, c.version, c.row_no
        from candidates c
        semi join annual y
               on y.key_hash = c.key_hash
              and y.unit_code = c.unit_code and y.year = c.year
              and y.date = c.date and y.content_key = c.content_key
    )

    -- the repeats are removed by their row's identity: an anti join whose condition also named the
    -- half-year side alone (source_kind = 'H1') ran as a nested loop, 50 s for a province's year
    select r.* exclude (source_kind, year, key_hash)
    from reported r
    anti join repeats p
           on p.unit_code = r.unit_code and p.source_period = r.source_period
          and p.version = r.version and p.row_no = r.row_no
