-- unit_list: every unit, retired ones too, with how many versions it has filed (for the lists page).
select u.code, u.name, u.active_from, u.retired_from, u.sort_order, count(r.version) as returns
from units u
left join returns r on r.unit_code = u.code
group by all
order by u.sort_order, u.code
