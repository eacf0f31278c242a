-- The configured SAML upstream (services.aai.upstreams.<id>) a login in flight goes through: several IdPs can be
-- configured at once, each with its own attribute mapper, so the ACS must know which one the flow started with.
-- NULL for flows started before this column existed (the IdP's entity id picks the upstream then).
ALTER TABLE saml_flow_state ADD COLUMN upstream_id TEXT;
