-- The token signing keys (ES256 and RS256) are stored sealed (AES-256-GCM under the key-encryption key, see keys.*
-- in docs/configuration.md). private_jwk only keeps plaintext written before this version until the next start
-- seals it and sets it to NULL.
ALTER TABLE signing_key ADD COLUMN sealed_jwk TEXT;
ALTER TABLE signing_key ALTER COLUMN private_jwk DROP NOT NULL;
ALTER TABLE signing_key ADD CONSTRAINT signing_key_material CHECK (sealed_jwk IS NOT NULL OR private_jwk IS NOT NULL);

ALTER TABLE rsa_signing_key ADD COLUMN sealed_jwk TEXT;
ALTER TABLE rsa_signing_key ALTER COLUMN private_jwk DROP NOT NULL;
ALTER TABLE rsa_signing_key ADD CONSTRAINT rsa_signing_key_material
  CHECK (sealed_jwk IS NOT NULL OR private_jwk IS NOT NULL);
