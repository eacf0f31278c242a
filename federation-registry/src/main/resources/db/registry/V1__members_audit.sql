-- Members of the federation: facilities and, per facility, their OIDC clients, resource servers, SAML
-- entities, compute clusters; plus upstream identity providers. One row per member, its validated
-- document in JSONB; onboarding state pending -> approved -> suspended.
CREATE TABLE member (
  kind        TEXT        NOT NULL CHECK (kind IN ('facility', 'oidc_client', 'resource_server', 'saml_entity',
                                                    'upstream_idp', 'cluster')),
  id          TEXT        NOT NULL,
  facility_id TEXT,
  state       TEXT        NOT NULL CHECK (state IN ('pending', 'approved', 'suspended')),
  document    JSONB       NOT NULL,
  secret_hash TEXT,
  version     BIGINT      NOT NULL DEFAULT 1,
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX member_facility ON member (facility_id);
CREATE INDEX member_state ON member (kind, state);

-- Every change: who, when, what, old and new value. Its id doubles as the change sequence that
-- RegistryClient long-polls.
CREATE TABLE audit_event (
  id         BIGSERIAL   PRIMARY KEY,
  at         TIMESTAMPTZ NOT NULL,
  actor      TEXT        NOT NULL,
  request_id TEXT,
  action     TEXT        NOT NULL,
  kind       TEXT        NOT NULL,
  member_id  TEXT        NOT NULL,
  old_value  JSONB,
  new_value  JSONB
);
CREATE INDEX audit_member ON audit_event (kind, member_id, id);
