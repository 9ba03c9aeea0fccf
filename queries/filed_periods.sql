-- filed_periods: the periods with at least one stored return (any version, any status), oldest
-- first. The period selector and the pages' "nothing filed yet" check need only these codes:
-- a grouped scan, where loading every version of a province's returns (10.000 rows) took
-- 0,2 s on a cold run and a few hundredths of a second to unpickle and scan at every rerun.
select period_code as period
from returns
group by period_code
order by period_code
