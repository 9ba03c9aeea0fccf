-- The data version that keys every cached dashboard (Store.data_version): one row every write
-- that changes figures updates (returns, approvals, restores, reference lists, settings), and
-- no other write (a sign-in, a session, an audit-only row, a rejected upload, a report draft).
create table figures_version (n bigint not null);

insert into figures_version values (0);
