-- The generated SAML metadata signing key (when no PEM files are configured), shared by every replica: the PKCS#8
-- private key sealed under the key-encryption key (AES-256-GCM, see keys.* in docs/configuration.md), the
-- certificate in PEM; id is the certificate's SHA-256 thumbprint. The newest usable row signs.
CREATE TABLE saml_signing_key (
  id          TEXT        PRIMARY KEY,
  sealed_key  TEXT        NOT NULL,
  certificate TEXT        NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);
