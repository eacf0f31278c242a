-- Reaching sessions (issue 13, "Reaching a session" and "Sharing"): shares of a session with other users or through
-- invitation links, the log of every shared access and the PDP's decision, and the key that signs the proxy's
-- browser cookies (one row, so every replica signs and checks with the same key).
CREATE TABLE session_share (
  id text PRIMARY KEY,
  session_id text NOT NULL REFERENCES session (id) ON DELETE CASCADE,
  -- a user share names its grantee (the user id the broker sees: the token's sub) ...
  grantee text,
  -- ... an invitation link holds the SHA-256 (hex) of its token; the token itself is never stored
  token_hash text UNIQUE,
  -- the invitation a user share was redeemed from (revoking the invitation revokes it)
  via text,
  mode text NOT NULL CHECK (mode IN ('READ_ONLY', 'INTERACTIVE')),
  created_by text NOT NULL,
  created timestamptz NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz,
  CHECK ((grantee IS NULL) <> (token_hash IS NULL))
);

CREATE INDEX session_share_session ON session_share (session_id, created);

CREATE TABLE share_access (
  id bigserial PRIMARY KEY,
  session_id text NOT NULL,
  user_id text NOT NULL,
  share_id text,
  granted boolean NOT NULL,
  reason text NOT NULL,
  at timestamptz NOT NULL
);

CREATE INDEX share_access_session ON share_access (session_id, at);

CREATE TABLE proxy_key (
  id smallint PRIMARY KEY CHECK (id = 1),
  key bytea NOT NULL
);
