-- filter_values: the communes and events found in stored returns, for the Dữ liệu page's
-- choice lists (a distinct scan: the page must not load a million rows to list a few names).
select 'commune' as field, commune as value
from return_activities
where commune is not null
group by commune
union all
select 'event', event
from return_events
where event is not null
group by event
order by field, value
