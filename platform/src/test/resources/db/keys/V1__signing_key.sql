-- A key table as the services create theirs (e.g. the registry's federation_key, the aai-broker's signing_key),
-- for the platform's own key storage tests. private_jwk only holds plaintext of rows written before sealing.
CREATE TABLE signing_key (
  kid         TEXT        PRIMARY KEY,
  private_jwk TEXT,
  sealed_jwk  TEXT,
  active_from TIMESTAMPTZ NOT NULL,
  CONSTRAINT signing_key_material CHECK (sealed_jwk IS NOT NULL OR private_jwk IS NOT NULL)
);
