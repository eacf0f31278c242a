-- Decision log in pages: one row per written batch (up to decisionLog.batchSize decisions) instead of one row
-- per decision. A page holds its decisions as the text of a JSON array (TOAST-compressed, parsed only when read),
-- its time span, and a Bloom filter of the subject ids and one of the resource ids it mentions, so a lookup by
-- subject or resource decodes only the pages that may mention it. Writing a decision costs PostgreSQL a share of
-- one INSERT instead of a heap row and four B-tree insertions at random places (docs/benchmarks.md, "PDP decision
-- log"); no index is keyed by subject or resource, since one entry per distinct id and page would cost nearly as
-- much as one per decision.
--
-- A filter (PageBloom): m = 8 * length(filter) bits, 7 probes; for an id with h = md5(UTF-8 text),
-- h1 = bytes 0-3 and h2 = bytes 4-7 as unsigned 32-bit big-endian numbers, probe i (0..6) is bit
-- (h1 + i * h2) mod m, numbered as get_bit numbers them. A filter only narrows the pages to read; every row is
-- compared with the exact id after reading. NULL (pages moved here from the former table) means "may hold any".
-- The format of a page's rows (member names = the former columns, absent = null) is the contract of the
-- decision_log view below: never change a member's meaning.
CREATE TABLE decision_log_page (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  first_at        timestamptz NOT NULL,             -- the earliest decided_at of its rows
  last_at         timestamptz NOT NULL,             -- the latest
  row_count       integer NOT NULL CHECK (row_count > 0),
  subject_filter  bytea CHECK (length(subject_filter) BETWEEN 8 AND 1048576),
  resource_filter bytea CHECK (length(resource_filter) BETWEEN 8 AND 1048576),
  body            text NOT NULL,                    -- a JSON array of the decisions, written by PageWriter
  CHECK (first_at <= last_at)
) WITH (toast_tuple_target = 8160);
-- toast_tuple_target: only the body moves out of line; the two filters (~1.2 KB each for 1 000 ids) stay in the
-- row, so a lookup by subject over 10 000 pages (10 M decisions) reads ~3 400 heap pages, ~40 ms, instead of
-- fetching both filters from the TOAST table for every page (~900 ms, measured on a busy machine).
CREATE INDEX decision_log_page_last ON decision_log_page (last_at DESC, id DESC) INCLUDE (first_at);

-- lz4 compresses a page several times faster than the default pglz, where this PostgreSQL was built with it
DO $$
BEGIN
  IF 'lz4' = ANY ((SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression')::text[]) THEN
    EXECUTE 'ALTER TABLE decision_log_page ALTER COLUMN body SET COMPRESSION lz4';
  END IF;
END $$;

-- Every existing decision moves into pages of 1 000, in time order; nothing is dropped.
-- Their pages get no filters (NULL): lookups read them all until retention purges them.
INSERT INTO decision_log_page (first_at, last_at, row_count, body)
SELECT min(decided_at), max(decided_at), count(*),
       jsonb_agg(jsonb_strip_nulls(to_jsonb(d) - 'page') ORDER BY decided_at, id)::text
FROM (SELECT l.*, (row_number() OVER (ORDER BY decided_at, id) - 1) / 1000 AS page FROM decision_log l) d
GROUP BY page;

DROP TABLE decision_log;

-- The decisions as rows again, for operators' SQL (and nothing on the hot path): one row per decision.
CREATE VIEW decision_log AS
SELECT r.id, r.decided_at, r.kind, r.item, r.caller, r.request_id, r.subject_type, r.subject_id, r.resource_type,
       r.resource_id, r.action, r.request, r.decision, r.policy, r.policy_version, r.rule, r.relation,
       r.error_status, r.error_message, r.result, coalesce(r.simulated, false) AS simulated, p.id AS page
FROM decision_log_page p
CROSS JOIN LATERAL jsonb_to_recordset(p.body::jsonb) AS r(id uuid, decided_at timestamptz, kind text, item integer,
  caller text, request_id text, subject_type text, subject_id text, resource_type text, resource_id text,
  action text, request jsonb, decision boolean, policy text, policy_version integer, rule text, relation text,
  error_status integer, error_message text, result jsonb, simulated boolean);
