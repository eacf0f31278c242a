-- SAML Single Logout. Per broker session (its sid) the upstream IdP and the subject as the validated assertion named
-- it: NameID with format and qualifiers, and the AuthnStatement's SessionIndex; what a LogoutRequest must carry (SP-
-- initiated) and what an IdP's LogoutRequest is matched against (IdP-initiated). Kept until the session's expiry.
CREATE TABLE saml_session (
  sid               TEXT        PRIMARY KEY,
  idp_entity_id     TEXT        NOT NULL,
  name_id           TEXT        NOT NULL,
  name_id_format    TEXT,
  name_qualifier    TEXT,
  sp_name_qualifier TEXT,
  session_index     TEXT,
  expires_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX saml_session_subject ON saml_session (idp_entity_id, name_id);
CREATE INDEX saml_session_expiry ON saml_session (expires_at);

-- An SP-initiated logout waiting for the IdP's LogoutResponse, under the SHA-256 of the opaque RelayState handle:
-- the LogoutRequest's ID (InResponseTo), the IdP, and where the browser goes afterwards (an already checked
-- post_logout_redirect_uri and its state, or none). consumed_at tells a replay apart from an unknown handle.
CREATE TABLE saml_logout_state (
  handle_hash   TEXT        PRIMARY KEY,
  request_id    TEXT        NOT NULL,
  idp_entity_id TEXT        NOT NULL,
  redirect      TEXT,
  state         TEXT,
  expires_at    TIMESTAMPTZ NOT NULL,
  consumed_at   TIMESTAMPTZ
);
CREATE INDEX saml_logout_state_expiry ON saml_logout_state (expires_at);
