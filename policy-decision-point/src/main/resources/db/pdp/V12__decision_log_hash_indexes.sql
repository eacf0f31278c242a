-- The decision log's lookups by subject and by resource are equality lookups (the query API's subject= and
-- resource=), so hash indexes serve them. The B-tree indexes on (subject_id, decided_at, id) and (resource_id,
-- decided_at, id) they replace cost PostgreSQL about as much per written row as the rest of the row together
-- (random keys: page splits all over two large indexes), which made the decision log the largest share of a
-- decision's CPU when PostgreSQL shares the PDP's cores (docs/benchmarks.md, "Policy decision point over HTTP").
-- The trade-off: a page of one subject's (or resource's) decisions now reads all of that subject's rows in the
-- asked time window and sorts them, rather than walking an ordered index; give since/until for subjects with
-- very many decisions. Rows without a subject id (maskSubjects: drop) are not in the hash index at all.
DROP INDEX decision_log_subject;
DROP INDEX decision_log_resource;
CREATE INDEX decision_log_subject ON decision_log USING hash (subject_id);
CREATE INDEX decision_log_resource ON decision_log USING hash (resource_id);
