-- Device authorization requests (RFC 8628). The device code (256-bit random) and the user code (8 consonants)
-- are stored only as SHA-256 hashes. status: pending -> approved | denied; approved -> redeemed (tokens issued
-- once). interval_seconds grows by 5 s on every slow_down. A user code is unique among pending requests.
CREATE TABLE device_authorization (
  device_code_hash TEXT        PRIMARY KEY,
  user_code_hash   TEXT        NOT NULL,
  client_id        TEXT        NOT NULL,
  scopes           JSONB       NOT NULL,
  audiences        JSONB       NOT NULL,
  status           TEXT        NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'approved', 'denied', 'redeemed')),
  interval_seconds INTEGER     NOT NULL,
  last_polled_at   TIMESTAMPTZ,
  family_id        TEXT        REFERENCES token_family (id) ON DELETE SET NULL,
  created_at       TIMESTAMPTZ NOT NULL,
  expires_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX device_authorization_pending_user_code ON device_authorization (user_code_hash)
  WHERE status = 'pending';
CREATE INDEX device_authorization_user_code ON device_authorization (user_code_hash, created_at);
CREATE INDEX device_authorization_expiry ON device_authorization (expires_at);
