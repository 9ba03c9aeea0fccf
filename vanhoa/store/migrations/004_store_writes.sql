-- One row every version-giving write updates. Two writers on DuckLake (several servers) that
-- both update it conflict, so the one that loses is retried and recomputes its version number;
-- on the embedded file the file lock already serialises writers and the update costs nothing.

create table store_writes (n bigint not null);

insert into store_writes values (0);
