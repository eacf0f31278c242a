-- First-login registration: the version of the federation's terms of use a user accepted (and when), and whether the
-- e-mail address they confirmed is the one their identity provider released (true) or one they typed (false).
-- Users created before registration existed (and by the demo fixture's direct logins) have no terms version.
ALTER TABLE app_user ADD COLUMN terms_version TEXT;
ALTER TABLE app_user ADD COLUMN terms_accepted_at TIMESTAMPTZ;
ALTER TABLE app_user ADD COLUMN email_verified BOOLEAN;

-- A registration page shown and not yet submitted, under the SHA-256 of its opaque handle: the pending authorization
-- it continues, the identity the upstream login released, and what the upstream needs to know of the session once it
-- starts (e.g. the SAML NameID and SessionIndex for Single Logout). Nothing about the user is stored elsewhere before
-- the page is submitted.
CREATE TABLE pending_registration (
  handle_hash TEXT        PRIMARY KEY,
  pending_id  TEXT        NOT NULL,
  identity    JSONB       NOT NULL,
  upstream    JSONB,
  expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX pending_registration_expiry ON pending_registration (expires_at);
