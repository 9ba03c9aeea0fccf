-- expected_units: the units expected to report in each period, one row per period and unit.
-- A unit is expected from the period it was added (active_from) until before the period it was
-- retired from (period codes sort in time order), so retiring a unit keeps its past periods.
create or replace view expected_units as
    select p.code as period_code, u.code as unit_code
    from periods p
    join units u
      on u.active_from <= p.code
     and (u.retired_from is null or p.code < u.retired_from)
