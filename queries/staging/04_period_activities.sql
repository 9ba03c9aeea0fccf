-- period_activities: the activity rows a period holds (period_sources), each activity once.
-- A unit's annual return may repeat what it already reported for the first half: a half-year
-- row whose unit, date and content (without case or outer spaces) are also in the same unit's
-- annual return of that year counts once, as the annual version (cli.md). A row without a date
-- or content is never a repeat: null matches nothing.
-- period_code is the period the row counts in; source_period the return it came from.
create or replace macro period_activities(period, approved_only) as table
    with sources as (
        select * from period_sources(period, approved_only)
    ),

    reported as (
        select s.period_code, s.source_period, s.source_kind, s.year,
               a.* exclude (period_code)
        from return_activities a
        join sources s
          on s.unit_code = a.unit_code and s.source_period = a.period_code and s.version = a.version
    ),

    -- the annual rows' keys, found once; a half-year row that finds its key here is a repeat
    annual_keys as (
        select distinct unit_code, year, date, content_key
        from reported
        where source_kind = 'Y'
    )

    select r.* exclude (source_kind, year)
    from reported r
    anti join annual_keys k
           on r.source_kind = 'H1'
          and k.unit_code = r.unit_code and k.year = r.year
          and k.date = r.date and k.content_key = r.content_key
