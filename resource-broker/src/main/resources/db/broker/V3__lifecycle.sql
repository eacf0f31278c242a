-- resource-broker lifecycle (issue 13): data staging, activity-aware culling and warnings.

-- STAGING: the session's datasets are being copied into its scratch claim (the cluster cannot mount their site)
ALTER TABLE session DROP CONSTRAINT session_state_check;
ALTER TABLE session ADD CONSTRAINT session_state_check CHECK (state IN ('PENDING', 'PLACING', 'STAGING', 'STARTING',
  'RUNNING', 'STOPPING', 'STOPPED', 'FAILED'));

-- progress of a session's staging Job (one row per staged session; kept after the session ends, for its history)
CREATE TABLE session_staging (
  session_id text PRIMARY KEY REFERENCES session (id) ON DELETE CASCADE,
  cluster text NOT NULL,
  job text NOT NULL,
  state text NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
  datasets integer NOT NULL CHECK (datasets >= 1),
  done integer NOT NULL CHECK (done >= 0 AND done <= datasets),
  bytes_total bigint NOT NULL CHECK (bytes_total >= 0),
  bytes_done bigint NOT NULL CHECK (bytes_done >= 0 AND bytes_done <= bytes_total),
  reason text,
  started timestamptz NOT NULL,
  updated timestamptz NOT NULL
);
