-- The provider's token signing keys (ES256), rotated with overlap; private JWKs.
-- NOTE: stored unencrypted; protect the database accordingly.
CREATE TABLE signing_key (
  kid         TEXT        PRIMARY KEY,
  private_jwk TEXT        NOT NULL,
  active_from TIMESTAMPTZ NOT NULL
);

-- Access tokens revoked before their expiry (RFC 7009), kept until they would have expired.
CREATE TABLE revoked_token (
  jti        TEXT        PRIMARY KEY,
  client_id  TEXT        NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX revoked_token_expiry ON revoked_token (expires_at);
