-- The AES-256-GCM key sealing AuthZEN search page tokens: generated once by the first replica and shared
-- by all, so a token issued by one replica is accepted by every other.
CREATE TABLE authzen_key (
  id  integer PRIMARY KEY CHECK (id = 1),
  key bytea NOT NULL
);
