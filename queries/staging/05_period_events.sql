-- period_events: the event participation rows a period holds (period_sources), each once.
-- As for activities: a half-year row whose unit, date and event are also in the same unit's
-- annual return of that year counts once, as the annual version (cli.md); a unit listing one
-- event on several rows (one per distance of a race) keeps all the annual ones. A row without
-- a date or event is never a repeat.
create or replace macro period_events(period, approved_only) as table
    with sources as (
        select * from period_sources(period, approved_only)
    ),

    reported as (
        select s.period_code, s.source_period, s.source_kind, s.year,
               e.* exclude (period_code)
        from return_events e
        join sources s
          on s.unit_code = e.unit_code and s.source_period = e.period_code and s.version = e.version
    ),

    annual_keys as (
        select distinct unit_code, year, date, event
        from reported
        where source_kind = 'Y'
    )

    select r.* exclude (source_kind, year)
    from reported r
    anti join annual_keys k
           on r.source_kind = 'H1'
          and k.unit_code = r.unit_code and k.year = r.year
          and k.date = r.date and k.event = r.event
