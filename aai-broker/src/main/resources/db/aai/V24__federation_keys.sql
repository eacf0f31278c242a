-- The aai-broker's Federation Entity Keys (EC P-256): they sign its OpenID Federation entity configuration and are
-- published in its jwks; kept apart from the token signing keys. Stored sealed like signing_key (AES-256-GCM under
-- the key-encryption key); private_jwk exists only because the platform's key storage reads that column too.
CREATE TABLE federation_key (
  kid         TEXT        PRIMARY KEY,
  private_jwk TEXT,
  sealed_jwk  TEXT,
  active_from TIMESTAMPTZ NOT NULL,
  CONSTRAINT federation_key_material CHECK (sealed_jwk IS NOT NULL OR private_jwk IS NOT NULL)
);
