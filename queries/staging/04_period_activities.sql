-- period_activities: the activity rows a period holds (period_sources), each activity once.
-- A unit's annual return may repeat what it already reported for the first half: a half-year
-- row whose unit, date and content (without case or outer spaces) are also in the same unit's
-- annual return of that year counts once, as the annual version (cli.md). A row without a date
-- or content is never a repeat: null matches nothing.
-- period_code is the period the row counts in; source_period the return it came from.
create or replace macro period_activities(period, approved_only) as table
    with repeats as (
    -- the repeats are found when a version is written (activity_repeats: pairs of a half-year
    -- version's row and an annual version that repeats it, a handful per unit); one counts here
    -- when both versions feed what is asked: a year, or the whole history (a half-year period
    -- holds no annual return, so nothing is dropped from it). Matching a province's million
    -- half-year rows against its annual ones at every query cost ten times the page budget.
    -- period_sources is called where it is needed, not shared as one CTE: a CTE read three
    -- times is materialized, and then every query read every column of every row (the count
    -- of a million rows as slow as their text)
        select x.unit_code, x.h1_period, x.h1_version, x.h1_row_no
        from activity_repeats x
        semi join period_sources(period, approved_only) h
               on h.unit_code = x.unit_code and h.source_period = x.h1_period and h.version = x.h1_version
        semi join period_sources(period, approved_only) y
               on y.unit_code = x.unit_code and y.source_period = x.y_period and y.version = x.y_version
    )

    -- the period asked, or (none asked) the return's own: the table's own column then, so a
    -- query's first rows by period skip the later periods in the table's scan
    select coalesce(period, a.period_code) as period_code, a.period_code as source_period,
           a.* exclude (period_code)
    from return_activities a
    join period_sources(period, approved_only) s
      on s.unit_code = a.unit_code and s.source_period = a.period_code and s.version = a.version
    anti join repeats p
           on p.unit_code = a.unit_code and p.h1_period = a.period_code
          and p.h1_version = a.version and p.h1_row_no = a.row_no
