-- Decision log: one row per AuthZEN decision (an evaluation, each item of an evaluations request, one row
-- summarising a search). Written in batches by DecisionLogWriter; rows older than the retention and
-- beyond maxRows are deleted by its periodic purge. Personal data is masked before it is written.
CREATE TABLE decision_log (
  id             uuid PRIMARY KEY,          -- the context.id the caller saw (UUIDv7, time-ordered)
  decided_at     timestamptz NOT NULL,
  kind           text NOT NULL,             -- evaluation, evaluations, search/subject, search/resource, search/action
  item           integer,                   -- position in an evaluations request
  caller         text,                      -- client_id of the bearer token
  request_id     text,                      -- X-Request-ID as answered
  subject_type   text,
  subject_id     text,                      -- clear, 'hmac:<hex>' or null, per maskSubjects
  resource_type  text,
  resource_id    text,
  action         text,
  request        jsonb NOT NULL,            -- properties and context after masking
  decision       boolean,                   -- null for searches
  policy         text,
  policy_version integer,
  rule           text,
  relation       text,
  error_status   integer,
  error_message  text,
  result         jsonb                      -- searches: {count, more}
);
CREATE INDEX decision_log_time ON decision_log (decided_at, id);
CREATE INDEX decision_log_subject ON decision_log (subject_id, decided_at, id);
CREATE INDEX decision_log_resource ON decision_log (resource_id, decided_at, id);

-- The HMAC key for maskSubjects: hash, generated once by the first replica and shared by all.
CREATE TABLE decision_log_key (
  id  integer PRIMARY KEY CHECK (id = 1),
  key bytea NOT NULL
);
