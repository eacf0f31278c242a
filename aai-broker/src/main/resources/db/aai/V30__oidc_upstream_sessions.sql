-- Broker sessions started by a sign-in at an upstream OpenID provider (eu.panosc.aai.oidc.PgOidcSessions): the OP's
-- issuer, its subject and session id (sid) as its back-channel logout tokens name them, and its ID token, sent back
-- as id_token_hint when the person signs out at the broker (RP-initiated logout). Kept until the broker session's
-- lifetime ends.
CREATE TABLE oidc_session (
  sid          TEXT        PRIMARY KEY,
  upstream_id  TEXT        NOT NULL,
  issuer       TEXT        NOT NULL,
  subject      TEXT        NOT NULL,
  upstream_sid TEXT,
  id_token     TEXT        NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX oidc_session_subject ON oidc_session (issuer, subject);
CREATE INDEX oidc_session_upstream_sid ON oidc_session (issuer, upstream_sid);
CREATE INDEX oidc_session_expiry ON oidc_session (expires_at);
