-- The broker's catalogue (flavours and images, visible per proposal, facility or role) and its analysis sessions.
-- Clusters come from configuration for now (services.broker.clusters), later from the federation-registry.
CREATE TABLE flavour (
  id text PRIMARY KEY,
  title text NOT NULL,
  cpu bigint NOT NULL CHECK (cpu >= 0),
  memory_mi bigint NOT NULL CHECK (memory_mi >= 0),
  gpu bigint NOT NULL CHECK (gpu >= 0),
  -- GiB of per-session scratch space (a volume claim on Kubernetes); 0: none
  scratch_gi integer NOT NULL DEFAULT 0 CHECK (scratch_gi >= 0),
  -- {"proposals":[...],"facilities":[...],"roles":[...]}; all empty: everyone
  visibility jsonb NOT NULL
);

CREATE TABLE image (
  id text PRIMARY KEY,
  title text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('JUPYTER', 'DESKTOP')),
  reference text NOT NULL,
  protocol text NOT NULL,
  port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  visibility jsonb NOT NULL,
  -- clusters where the image is available; empty: every cluster
  clusters text[] NOT NULL
);

CREATE TABLE session (
  id text PRIMARY KEY,
  owner_id text NOT NULL,
  proposal text,
  datasets text[] NOT NULL,
  flavour text NOT NULL,
  image text NOT NULL,
  cpu bigint NOT NULL,
  memory_mi bigint NOT NULL,
  gpu bigint NOT NULL,
  cluster text,
  state text NOT NULL CHECK (state IN ('PENDING', 'PLACING', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'FAILED')),
  url text,
  placement text,
  failure text,
  -- SHA-256 (hex) of the per-session access secret; the secret itself is never stored
  secret_hash text NOT NULL,
  created timestamptz NOT NULL,
  updated timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_activity timestamptz NOT NULL
);

CREATE INDEX session_owner_created ON session (owner_id, created DESC);
CREATE INDEX session_owner_active ON session (owner_id) WHERE state NOT IN ('STOPPED', 'FAILED');
CREATE INDEX session_proposal_active ON session (proposal) WHERE state NOT IN ('STOPPED', 'FAILED');
CREATE INDEX session_active ON session (created) WHERE state NOT IN ('STOPPED', 'FAILED');
