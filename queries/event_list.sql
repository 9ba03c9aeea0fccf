-- event_list: the event list the template's dropdown offers, newest year first.
select name, series, year, kind, added_by_upload from events order by year desc nulls last, name
