-- pending_units: the units with a version waiting for a leader's decision, for the Phê duyệt
-- page's choice of unit, in the order of the waiting list (a unit where it first appears:
-- oldest period first, then the units' order).
-- Parameter: $period (code, or null: waiting in any period).
select r.unit_code, u.name as unit
from returns r
join units u on u.code = r.unit_code
where r.status = 'pending'
  and ($period is null or r.period_code = $period)
group by r.unit_code, u.name, u.sort_order
order by min(r.period_code), u.sort_order, r.unit_code
