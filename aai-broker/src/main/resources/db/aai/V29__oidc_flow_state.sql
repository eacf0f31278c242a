-- Sign-ins and sign-outs in flight at upstream OpenID providers (eu.panosc.aai.oidc.PgOidcFlows): keyed by the
-- SHA-256 of the opaque state handle; the flow (upstream, pending authorization, nonce, PKCE verifier, requested acr,
-- or the sign-out's continuation) as JSON. A row is taken once (consumed_at) and purged a lifetime after it expires.
CREATE TABLE oidc_flow_state (
  handle_hash TEXT        PRIMARY KEY,
  flow        JSONB       NOT NULL,
  expires_at  TIMESTAMPTZ NOT NULL,
  consumed_at TIMESTAMPTZ
);
CREATE INDEX oidc_flow_state_expiry ON oidc_flow_state (expires_at);
