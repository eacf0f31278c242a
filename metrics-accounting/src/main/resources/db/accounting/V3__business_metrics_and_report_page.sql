-- Business-model metrics (issue 12) kept exact at ingest, in the ingest transaction, so that reports never read
-- usage_record: when each user was first seen per dimension combination, and each session's span.
-- Absent dimensions are '' as in the rollups.

-- The earliest record start seen for a user within (facility, installation, proposal, community); only ever moves
-- earlier (a replaced cumulative record does not move it later).
CREATE TABLE user_first_seen (
  facility text NOT NULL,
  installation text NOT NULL,
  proposal text NOT NULL,
  community text NOT NULL,
  user_id text NOT NULL,
  first_at timestamptz NOT NULL,
  PRIMARY KEY (facility, installation, proposal, community, user_id)
);
CREATE INDEX user_first_seen_first_at ON user_first_seen (first_at);

-- One row per session (facility + session id): its dimensions are those of the first record that named it; its
-- span is the earliest start and the latest end of the records naming it.
CREATE TABLE usage_session (
  facility text NOT NULL,
  session text NOT NULL,
  installation text NOT NULL,
  proposal text NOT NULL,
  community text NOT NULL,
  first_start timestamptz NOT NULL,
  last_end timestamptz NOT NULL,
  PRIMARY KEY (facility, session),
  CHECK (first_start <= last_end)
);
CREATE INDEX usage_session_first_start ON usage_session (first_start);

INSERT INTO user_first_seen (facility, installation, proposal, community, user_id, first_at)
SELECT facility, installation, coalesce(proposal, ''), coalesce(community, ''), user_id, min(start_at)
FROM usage_record WHERE user_id IS NOT NULL
GROUP BY facility, installation, coalesce(proposal, ''), coalesce(community, ''), user_id;

INSERT INTO usage_session (facility, session, installation, proposal, community, first_start, last_end)
SELECT DISTINCT ON (facility, session) facility, session, installation, coalesce(proposal, ''),
  coalesce(community, ''), min(start_at) OVER w, max(end_at) OVER w
FROM usage_record WHERE session IS NOT NULL
WINDOW w AS (PARTITION BY facility, session)
ORDER BY facility, session, start_at, source, record_id;

-- The operators' report page (GET /accounting/reports): a login in progress (the OIDC state, stored hashed, with
-- its PKCE verifier and nonce) and the signed-in browser sessions (cookie value stored hashed).
CREATE TABLE report_login (
  state_hash text PRIMARY KEY,
  code_verifier text NOT NULL,
  nonce text NOT NULL,
  return_query text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE report_session (
  id_hash text PRIMARY KEY,
  subject text NOT NULL,
  display_name text NOT NULL,
  reader boolean NOT NULL,
  csrf text NOT NULL,
  id_token text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX report_session_expires ON report_session (expires_at);
