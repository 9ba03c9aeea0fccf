-- The commune pages compare each activity's commune and wording without case, over a million
-- rows at province scale: keep those keys beside the text, written once at commit, instead of
-- lower() on every row of every query (-30 % on the commune queries).

alter table return_activities add column commune_key varchar;

alter table return_activities add column content_key varchar;

update return_activities set commune_key = lower(commune), content_key = lower(trim(content));
