-- Back-channel logout deliveries still to make (an outbox): a logout inserts one row per client of the session in
-- the same transaction that ends the session; a worker on any replica claims due rows (FOR UPDATE SKIP LOCKED,
-- then a lease in next_attempt_at), posts the logout token, and deletes the row when it is delivered, refused
-- (4xx) or out of attempts. Times are the database's clock, shared by every replica.
CREATE TABLE logout_delivery (
  id              BIGSERIAL   PRIMARY KEY,
  client_id       TEXT        NOT NULL,
  user_id         TEXT        NOT NULL,
  sid             TEXT        NOT NULL,
  attempts        INTEGER     NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  last_error      TEXT
);
CREATE INDEX logout_delivery_due ON logout_delivery (next_attempt_at);
