-- Decision log in pages: one row per written batch (up to decisionLog.batchSize decisions) instead of one row
-- per decision. A page holds its decisions as a jsonb array (TOAST-compressed), its time span, and the keys of
-- the subjects and resources it mentions, GIN-indexed, so a lookup by subject or resource reads only the pages
-- that mention it. Writing a decision costs PostgreSQL a share of one INSERT instead of a heap row and four
-- B-tree insertions at random places (see docs/benchmarks.md, "PDP decision log").
--
-- The key of a subject or resource id is the first 8 bytes of MD5 of its UTF-8 text as a signed big-endian
-- bigint, computed by the writer (PgDecisionLog.key) and here alike:
--   ('x' || left(md5(text), 16))::bit(64)::bigint
-- A key only narrows the pages to read; every row is compared with the exact id after reading.
-- The format of a page's rows (member names = the former columns, absent = null) is the contract of the
-- decision_log view below: never change a member's meaning.
CREATE TABLE decision_log_page (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  first_at   timestamptz NOT NULL,             -- the earliest decided_at of its rows
  last_at    timestamptz NOT NULL,             -- the latest
  row_count  integer NOT NULL CHECK (row_count > 0),
  subjects   bigint[] NOT NULL,                -- keys of the stored subject ids (after masking), distinct
  resources  bigint[] NOT NULL,                -- keys of the resource ids, distinct
  body       jsonb NOT NULL CHECK (jsonb_typeof(body) = 'array'),
  CHECK (first_at <= last_at)
);
CREATE INDEX decision_log_page_last ON decision_log_page (last_at DESC, id DESC) INCLUDE (first_at, row_count);
CREATE INDEX decision_log_page_subjects ON decision_log_page USING gin (subjects);
CREATE INDEX decision_log_page_resources ON decision_log_page USING gin (resources);

-- lz4 compresses a page several times faster than the default pglz, where this PostgreSQL was built with it
DO $$
BEGIN
  IF 'lz4' = ANY ((SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression')::text[]) THEN
    EXECUTE 'ALTER TABLE decision_log_page ALTER COLUMN body SET COMPRESSION lz4';
  END IF;
END $$;

-- Every existing decision moves into pages of 1 000, in time order; nothing is dropped.
INSERT INTO decision_log_page (first_at, last_at, row_count, subjects, resources, body)
SELECT min(decided_at), max(decided_at), count(*),
       coalesce(array_agg(DISTINCT ('x' || left(md5(subject_id), 16))::bit(64)::bigint)
                FILTER (WHERE subject_id IS NOT NULL), '{}'),
       coalesce(array_agg(DISTINCT ('x' || left(md5(resource_id), 16))::bit(64)::bigint)
                FILTER (WHERE resource_id IS NOT NULL), '{}'),
       jsonb_agg(jsonb_strip_nulls(to_jsonb(d) - 'page') ORDER BY decided_at, id)
FROM (SELECT l.*, (row_number() OVER (ORDER BY decided_at, id) - 1) / 1000 AS page FROM decision_log l) d
GROUP BY page;

DROP TABLE decision_log;

-- The decisions as rows again, for operators' SQL (and nothing on the hot path): one row per decision.
CREATE VIEW decision_log AS
SELECT r.id, r.decided_at, r.kind, r.item, r.caller, r.request_id, r.subject_type, r.subject_id, r.resource_type,
       r.resource_id, r.action, r.request, r.decision, r.policy, r.policy_version, r.rule, r.relation,
       r.error_status, r.error_message, r.result, coalesce(r.simulated, false) AS simulated, p.id AS page
FROM decision_log_page p
CROSS JOIN LATERAL jsonb_to_recordset(p.body) AS r(id uuid, decided_at timestamptz, kind text, item integer,
  caller text, request_id text, subject_type text, subject_id text, resource_type text, resource_id text,
  action text, request jsonb, decision boolean, policy text, policy_version integer, rule text, relation text,
  error_status integer, error_message text, result jsonb, simulated boolean);
