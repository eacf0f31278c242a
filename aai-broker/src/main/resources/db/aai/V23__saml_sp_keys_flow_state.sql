-- SAML service provider keys (RSA 3072 with a self-signed X.509 certificate in the JWK's x5c), one table per use,
-- and the demo UmbrellaID stand-in's signing key; rotated and sealed like the token keys (platform keys.PgKeyStorage).
CREATE TABLE saml_sp_signing_key (
  kid         TEXT        PRIMARY KEY,
  private_jwk TEXT,
  sealed_jwk  TEXT,
  active_from TIMESTAMPTZ NOT NULL,
  CONSTRAINT saml_sp_signing_key_material CHECK (sealed_jwk IS NOT NULL OR private_jwk IS NOT NULL)
);
CREATE TABLE saml_sp_encryption_key (
  kid         TEXT        PRIMARY KEY,
  private_jwk TEXT,
  sealed_jwk  TEXT,
  active_from TIMESTAMPTZ NOT NULL,
  CONSTRAINT saml_sp_encryption_key_material CHECK (sealed_jwk IS NOT NULL OR private_jwk IS NOT NULL)
);
CREATE TABLE saml_demo_idp_key (
  kid         TEXT        PRIMARY KEY,
  private_jwk TEXT,
  sealed_jwk  TEXT,
  active_from TIMESTAMPTZ NOT NULL,
  CONSTRAINT saml_demo_idp_key_material CHECK (sealed_jwk IS NOT NULL OR private_jwk IS NOT NULL)
);

-- Server-side state of a SAML login in flight, under the SHA-256 of the opaque RelayState handle (the handle carries
-- no data). consumed_at marks a handle already used, so a replay is told apart from an unknown handle.
CREATE TABLE saml_flow_state (
  handle_hash   TEXT        PRIMARY KEY,
  request_id    TEXT        NOT NULL,
  idp_entity_id TEXT        NOT NULL,
  pending_id    TEXT        NOT NULL,
  requested_acr JSONB       NOT NULL,
  expires_at    TIMESTAMPTZ NOT NULL,
  consumed_at   TIMESTAMPTZ
);
CREATE INDEX saml_flow_state_expiry ON saml_flow_state (expires_at);
