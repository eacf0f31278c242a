-- The trust anchor's private keys are stored sealed (AES-256-GCM under the key-encryption key, see keys.* in
-- docs/configuration.md). private_jwk only keeps plaintext written before this version until the next start seals
-- it and sets it to NULL.
ALTER TABLE federation_key ADD COLUMN sealed_jwk TEXT;
ALTER TABLE federation_key ALTER COLUMN private_jwk DROP NOT NULL;
ALTER TABLE federation_key ADD CONSTRAINT federation_key_material
  CHECK (sealed_jwk IS NOT NULL OR private_jwk IS NOT NULL);
