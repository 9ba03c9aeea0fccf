-- counted_returns: the one version of each unit's return, per period, that the figures count.
-- approved_only null or false: everything filed (current_returns keeps an approved version until
-- a newer one is approved, and counts a version returned for correction only when nothing else
-- was filed); true (the sidebar's "Chỉ số liệu đã phê duyệt"): only versions a leader approved.
create or replace macro counted_returns(approved_only) as table
    select *
    from current_returns
    where not coalesce(approved_only, false) or status = 'approved'
