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

-- what the idle culler knows about a session's use besides proxied traffic (session.last_activity):
--   kernel_at / kernel_busy: the session's last kernel activity, and whether a kernel was busy at its last report
--   desktop_at: the last desktop input; gpu_at: the last report showing GPU utilisation above 5 %
--   reported_at: the last report; all fed by the session itself (POST /broker/v1/sessions/{id}/activity with its
--   access secret); inactivity_seconds: its owner's limit when it was created (4 d users, 8 d staff by default)
CREATE TABLE session_activity (
  session_id text PRIMARY KEY REFERENCES session (id) ON DELETE CASCADE,
  inactivity_seconds bigint NOT NULL CHECK (inactivity_seconds > 0),
  kernel_at timestamptz,
  kernel_busy boolean NOT NULL DEFAULT false,
  desktop_at timestamptz,
  gpu_at timestamptz,
  reported_at timestamptz
);

-- warnings before an idle cull or the end of a lifetime, and that a session was culled or expired (shown in the API)
CREATE TABLE session_notice (
  session_id text NOT NULL REFERENCES session (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('IDLE_WARNING', 'LIFETIME_WARNING', 'CULLED', 'EXPIRED')),
  due timestamptz NOT NULL,
  lead_hours integer NOT NULL CHECK (lead_hours >= 0),
  issued timestamptz NOT NULL,
  message text NOT NULL,
  PRIMARY KEY (session_id, kind, due, lead_hours)
);

-- usage for metrics-accounting: each session's accounted-until mark, and the outbox of records (written in the
-- same transaction as the mark moves; record_id with source resource-broker is accounting's idempotency key)
CREATE TABLE session_usage (
  session_id text PRIMARY KEY,
  accounted_until timestamptz NOT NULL,
  final boolean NOT NULL DEFAULT false
);

CREATE TABLE usage_outbox (
  record_id text PRIMARY KEY,
  session_id text NOT NULL,
  payload jsonb NOT NULL,
  created timestamptz NOT NULL,
  due timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  delivered timestamptz
);

CREATE INDEX usage_outbox_due ON usage_outbox (created, record_id) WHERE delivered IS NULL;
