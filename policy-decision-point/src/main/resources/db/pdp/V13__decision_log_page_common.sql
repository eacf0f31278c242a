-- Decision log pages with common values: a page may hold, once, the values its rows share (kind, caller, subject and
-- resource types, action, request, decision, policy and its version, rule, relation: PageWriter.COMMON), and a row
-- then leaves out each of those members whose value is the common one (a row whose value differs writes it, null
-- included). A row reads as common || row (jsonb: the row's members win). This halves the bytes of a typical page,
-- and the bytes (TOAST chunks, WAL, the protocol) were most of what a logged decision cost PostgreSQL
-- (docs/benchmarks.md, "The decision log in pages").
--
-- Pages written before this migration have no common values (NULL) and read exactly as before: nothing is rewritten.
-- The member names and meanings of V12 stay the contract of the decision_log view.
ALTER TABLE decision_log_page ADD COLUMN common jsonb CHECK (jsonb_typeof(common) = 'object');

CREATE OR REPLACE VIEW decision_log AS
SELECT r.id, r.decided_at, r.kind, r.item, r.caller, r.request_id, r.subject_type, r.subject_id, r.resource_type,
       r.resource_id, r.action, r.request, r.decision, r.policy, r.policy_version, r.rule, r.relation,
       r.error_status, r.error_message, r.result, coalesce(r.simulated, false) AS simulated, p.id AS page
FROM decision_log_page p
CROSS JOIN LATERAL jsonb_array_elements(p.body::jsonb) AS e
CROSS JOIN LATERAL jsonb_to_record(coalesce(p.common, '{}'::jsonb) || e) AS r(id uuid, decided_at timestamptz,
  kind text, item integer, caller text, request_id text, subject_type text, subject_id text, resource_type text,
  resource_id text, action text, request jsonb, decision boolean, policy text, policy_version integer, rule text,
  relation text, error_status integer, error_message text, result jsonb, simulated boolean);
