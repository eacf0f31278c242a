-- Canonical users: the upstream identity's canonical id, its latest attributes, first and last login.
CREATE TABLE app_user (
  id          TEXT        PRIMARY KEY,
  attributes  JSONB       NOT NULL,
  first_login TIMESTAMPTZ NOT NULL,
  last_login  TIMESTAMPTZ NOT NULL
);

-- Secrets of the provider itself, e.g. the HMAC key of pairwise subject identifiers. Never leaves the schema.
CREATE TABLE provider_secret (
  name       TEXT        PRIMARY KEY,
  value      BYTEA       NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

-- Browser sessions (single sign-on). The cookie carries a random 256-bit id; only its SHA-256 is stored.
CREATE TABLE browser_session (
  id_hash    TEXT        PRIMARY KEY,
  user_id    TEXT        NOT NULL REFERENCES app_user (id),
  auth_time  TIMESTAMPTZ NOT NULL,
  acr        TEXT        NOT NULL,
  amr        JSONB       NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX browser_session_expiry ON browser_session (expires_at);

-- Authorization requests waiting for the person to log in or consent (id hashed, short-lived).
CREATE TABLE pending_authorization (
  id_hash    TEXT        PRIMARY KEY,
  request    JSONB       NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX pending_authorization_expiry ON pending_authorization (expires_at);

-- Consent a user gave a client, for a set of scopes.
CREATE TABLE consent (
  user_id    TEXT        NOT NULL REFERENCES app_user (id),
  client_id  TEXT        NOT NULL,
  scopes     JSONB       NOT NULL,
  granted_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (user_id, client_id)
);

-- One authorization grant: the code and every refresh and access token issued from it. Revoking the family
-- revokes them all (code reuse, RFC 6749 §4.1.2; refresh token reuse, RFC 9700 §4.14.2).
CREATE TABLE token_family (
  id         TEXT        PRIMARY KEY,
  client_id  TEXT        NOT NULL,
  user_id    TEXT        NOT NULL REFERENCES app_user (id),
  scopes     JSONB       NOT NULL,
  audiences  JSONB       NOT NULL,
  auth_time  TIMESTAMPTZ NOT NULL,
  acr        TEXT        NOT NULL,
  amr        JSONB       NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ
);
CREATE INDEX token_family_expiry ON token_family (expires_at);

-- Authorization codes (RFC 6749 §4.1.2): stored hashed, single use, bound to client, redirect_uri, PKCE and nonce.
CREATE TABLE authorization_code (
  code_hash      TEXT        PRIMARY KEY,
  family_id      TEXT        NOT NULL REFERENCES token_family (id) ON DELETE CASCADE,
  client_id      TEXT        NOT NULL,
  redirect_uri   TEXT        NOT NULL,
  code_challenge TEXT,
  nonce          TEXT,
  expires_at     TIMESTAMPTZ NOT NULL,
  used_at        TIMESTAMPTZ
);

-- Refresh tokens: opaque, stored hashed, rotated on every use.
CREATE TABLE refresh_token (
  token_hash TEXT        PRIMARY KEY,
  family_id  TEXT        NOT NULL REFERENCES token_family (id) ON DELETE CASCADE,
  scopes     JSONB       NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  rotated_at TIMESTAMPTZ
);
CREATE INDEX refresh_token_family ON refresh_token (family_id);

-- Access tokens issued within a family (their jti), so that revoking the family revokes them.
CREATE TABLE family_access_token (
  jti        TEXT        PRIMARY KEY,
  family_id  TEXT        NOT NULL REFERENCES token_family (id) ON DELETE CASCADE,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX family_access_token_family ON family_access_token (family_id);
