-- One-time use of SAML assertions (SAML 2.0 profiles §4.1.4.5), shared by every replica: a login inserts
-- (issuer, assertion_id) or takes over a row whose assertion has expired; a second insert of a live key changes
-- nothing, which is how a replay is recognised. Rows are purged once expired (expires_at = the assertion's
-- NotOnOrAfter plus the allowed clock skew).
CREATE TABLE saml_assertion_use (
  issuer       TEXT        NOT NULL,
  assertion_id TEXT        NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL,
  used_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (issuer, assertion_id)
);
CREATE INDEX saml_assertion_use_expiry ON saml_assertion_use (expires_at);
