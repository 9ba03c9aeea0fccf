-- The report's narrative (what no return holds), kept per period; every save is a new row
-- so an earlier wording can be found again.

create table report_drafts (period_code varchar not null, saved_at timestamp not null,
    saved_by varchar, context varchar, tasks varchar, recipients varchar,
    signer_title varchar, signer_name varchar, number varchar);
