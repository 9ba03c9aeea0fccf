-- period_events: the event participation rows a period holds (period_sources), each once.
-- As for activities: a half-year row whose unit, date and event are also in the same unit's
-- annual return of that year counts once, as the annual version (cli.md); a unit listing one
-- event on several rows (one per distance of a race) keeps all the annual ones. A row without
-- a date or event is never a repeat: null matches nothing.
-- period_code is the period the row counts in; source_period the return it came from.
create or replace macro period_events(period, approved_only) as table
    with repeats as (
    -- found when a version is written (event_repeats), as for activities (period_activities)
        select x.unit_code, x.h1_period, x.h1_version, x.h1_row_no
        from event_repeats x
        semi join period_sources(period, approved_only) h
               on h.unit_code = x.unit_code and h.source_period = x.h1_period and h.version = x.h1_version
        semi join period_sources(period, approved_only) y
               on y.unit_code = x.unit_code and y.source_period = x.y_period and y.version = x.y_version
    )

    -- the period asked, or the return's own (as for activities)
    select coalesce(period, e.period_code) as period_code, e.period_code as source_period,
           e.* exclude (period_code)
    from return_events e
    join period_sources(period, approved_only) s
      on s.unit_code = e.unit_code and s.source_period = e.period_code and s.version = e.version
    anti join repeats p
           on p.unit_code = e.unit_code and p.h1_period = e.period_code
          and p.h1_version = e.version and p.h1_row_no = e.row_no
