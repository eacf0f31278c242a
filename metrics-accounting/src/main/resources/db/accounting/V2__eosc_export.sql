-- The EOSC Accounting Service push's sent-ledger: one row per record the service should hold (installation ×
-- metric definition × group × closed month). desired = what the rollups say now; sent = what the service holds, as
-- last confirmed by it (null before the first confirmed send). A row is due while they differ. remote_id is the
-- service's own id of the record, so that a later change is sent as a correction (PATCH) of that record instead of
-- a second record. in_flight marks a POST whose outcome is unknown (timeout, crash): before posting again, the
-- pusher looks the record up at the service. Replicas claim due rows with FOR UPDATE SKIP LOCKED and a lease.
CREATE TABLE eosc_export (
  installation_id text NOT NULL,
  metric_definition_id text NOT NULL,
  group_id text NOT NULL,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  desired numeric NOT NULL,
  sent numeric,
  remote_id text,
  in_flight boolean NOT NULL DEFAULT false,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT '1970-01-01T00:00:00Z',
  lease_owner text,
  lease_until timestamptz,
  last_error text,
  sent_at timestamptz,
  PRIMARY KEY (installation_id, metric_definition_id, group_id, period_start)
);

CREATE INDEX eosc_export_due ON eosc_export (next_attempt_at) WHERE sent IS DISTINCT FROM desired;

-- The APEL export reads the records of sessions by time.
CREATE INDEX usage_record_session_start ON usage_record (start_at) WHERE session IS NOT NULL;
