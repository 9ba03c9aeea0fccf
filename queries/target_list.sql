-- target_list: the plan's four targets and their goals (for the lists page).
select code, name, goal::double as goal from targets order by sort_order, code
