-- The trust anchor's signing keys (current, next and recently retired), as private JWKs.
-- NOTE: stored unencrypted, like the rest of this schema; protect the database accordingly.
CREATE TABLE federation_key (
  kid         TEXT        PRIMARY KEY,
  private_jwk TEXT        NOT NULL,
  active_from TIMESTAMPTZ NOT NULL
);

-- Trust marks the trust anchor issued (e.g. federation membership, SIRTFI).
CREATE TABLE trust_mark (
  id         TEXT        PRIMARY KEY,
  type       TEXT        NOT NULL,
  sub        TEXT        NOT NULL,
  issued_at  TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ,
  jwt        TEXT        NOT NULL UNIQUE,
  revoked_at TIMESTAMPTZ
);
CREATE INDEX trust_mark_sub ON trust_mark (sub, type);
CREATE INDEX trust_mark_type ON trust_mark (type, issued_at DESC);
