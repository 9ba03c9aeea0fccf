-- pending_periods: the periods with versions waiting for a leader's decision, newest first,
-- and how many wait in each: the Phê duyệt page's choice of period and its count, without
-- loading every version of a province's returns (10.000 rows) at every rerun.
select period_code as period, count(*) as versions
from returns
where status = 'pending'
group by period_code
order by period_code desc
