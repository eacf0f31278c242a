-- Pushed authorization requests (RFC 9126): the validated parameters a client pushed, under the hash of the
-- request_uri handed back; usable once by that client at /authorize, for 60 seconds.
CREATE TABLE pushed_authorization_request (
  uri_hash   TEXT        PRIMARY KEY,
  client_id  TEXT        NOT NULL,
  params     JSONB       NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX pushed_authorization_request_expiry ON pushed_authorization_request (expires_at);
