-- What a year period holds (cli.md): a half-year row that the same unit's annual return of
-- that year repeats (same date and content, or same date and event) counts once. Finding
-- those repeats at every query meant matching a million half-year rows against a million
-- annual ones (10 times the page budget); they are found once, when a version is written
-- (record_repeats), and kept here as pairs of versions: which version counts is decided at
-- query time (queries/staging), so approving or restoring a version needs nothing here.
-- After it, the runner finds the repeats of the rows stored before it.

create table activity_repeats (unit_code varchar not null, h1_period varchar not null,
    h1_version integer not null, h1_row_no integer not null, y_period varchar not null,
    y_version integer not null);

create table event_repeats (unit_code varchar not null, h1_period varchar not null,
    h1_version integer not null, h1_row_no integer not null, y_period varchar not null,
    y_version integer not null);
