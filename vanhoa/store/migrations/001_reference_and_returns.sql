-- The reference lists (units, periods, targets, events, settings), every uploaded file's bytes
-- once per SHA-256, every upload, and the returns with their four tables, one version per
-- upload. After it, the runner seeds the reference lists from data/reference.

create table units (code varchar primary key, name varchar not null, short_name varchar,
    kind varchar, sort_order integer, active boolean not null default true);

create table periods (code varchar primary key, kind varchar not null, year integer not null,
    label varchar not null, start_date date not null, end_date date not null, deadline date not null);

create table targets (code varchar primary key, name varchar not null, numerator varchar,
    denominator varchar, goal decimal(5, 4) not null, sort_order integer);

create table events (name varchar primary key, series varchar, year integer, kind varchar,
    added_by_upload varchar);

create table settings (key varchar primary key, value varchar);

create table files (sha256 varchar primary key, size bigint not null, content blob not null);

create table uploads (upload_id varchar primary key, sha256 varchar not null, filename varchar,
    uploaded_by varchar, uploaded_at timestamp not null, status varchar not null,
    unit_code varchar, period_code varchar, version integer, problems varchar);

create table returns (unit_code varchar not null, period_code varchar not null, version integer not null,
    filed_at timestamp not null, filed_by varchar, sha256 varchar not null, upload_id varchar,
    filename varchar, prepared_by varchar, prepared_on date, phone varchar, email varchar,
    form_version integer, restored_from integer, warnings varchar,
    primary key (unit_code, period_code, version));

create table return_staff (unit_code varchar, period_code varchar, version integer, staff_group varchar,
    total integer, ethics integer, culture integer, families integer, cultural_families integer);

create table return_criteria (unit_code varchar, period_code varchar, version integer,
    criterion varchar, met boolean, note varchar);

create table return_activities (unit_code varchar, period_code varchar, version integer, row_no integer,
    date date, content varchar, kind varchar, commune varchar, place varchar, participants integer,
    cost bigint, result varchar, plan_item varchar);

create table return_events (unit_code varchar, period_code varchar, version integer, row_no integer,
    event varchar, date date, place varchar, registered integer, participants integer,
    achievement varchar, note varchar);

create view current_returns as
    select * from returns
    qualify version = max(version) over (partition by unit_code, period_code);
