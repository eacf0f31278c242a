-- Entities imported from an upstream identity provider's own signed metadata feed (e.g. UmbrellaID),
-- replaced as a whole on each successful import; published while the upstream IdP is approved.
CREATE TABLE upstream_entity (
  upstream_id TEXT        NOT NULL,
  entity_id   TEXT        NOT NULL,
  xml         TEXT        NOT NULL,
  imported_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (upstream_id, entity_id)
);
