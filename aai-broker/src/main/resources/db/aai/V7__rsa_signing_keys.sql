-- The provider's RS256 signing keys (RSA 3072), for clients registered with tokenSigningAlg RS256; rotated like the
-- ES256 keys of signing_key, kept apart because each table holds one key type. Private JWKs.
-- NOTE: stored unencrypted; protect the database accordingly.
CREATE TABLE rsa_signing_key (
  kid         TEXT        PRIMARY KEY,
  private_jwk TEXT        NOT NULL,
  active_from TIMESTAMPTZ NOT NULL
);
