-- jti of client assertions (RFC 7523 private_key_jwt) seen, kept until they expire: each is usable once.
CREATE TABLE client_assertion (
  client_id  TEXT        NOT NULL,
  jti        TEXT        NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_expiry ON client_assertion (expires_at);
