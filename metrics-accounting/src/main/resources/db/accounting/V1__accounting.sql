-- Usage records, keyed by their idempotency key (source, record_id), and the rollups maintained with them in
-- the same transaction. Absent dimensions are stored as '' in the rollups (never a valid id).
CREATE TABLE usage_record (
  source text NOT NULL,
  record_id text NOT NULL,
  facility text NOT NULL,
  installation text NOT NULL,
  cluster text,
  session text,
  user_id text,
  proposal text,
  community text,
  metric text NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  value numeric NOT NULL CHECK (value >= 0),
  cumulative boolean NOT NULL,
  late boolean NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (source, record_id),
  CHECK (start_at <= end_at)
);

-- Sums per bucket: value (pro-rated), the part of it from late records, how many records touch the bucket and how many of them were late.
CREATE TABLE rollup (
  granularity text NOT NULL CHECK (granularity IN ('hour', 'day', 'month')),
  bucket timestamptz NOT NULL,
  facility text NOT NULL,
  installation text NOT NULL,
  proposal text NOT NULL,
  community text NOT NULL,
  metric text NOT NULL,
  value numeric NOT NULL,
  late_value numeric NOT NULL,
  records bigint NOT NULL,
  late_records bigint NOT NULL,
  PRIMARY KEY (granularity, bucket, facility, installation, proposal, community, metric)
);

-- The exact set of users per bucket (refs: how many live records name the user there); counted, never summed.
CREATE TABLE rollup_user (
  granularity text NOT NULL CHECK (granularity IN ('hour', 'day', 'month')),
  bucket timestamptz NOT NULL,
  facility text NOT NULL,
  installation text NOT NULL,
  proposal text NOT NULL,
  community text NOT NULL,
  metric text NOT NULL,
  user_id text NOT NULL,
  refs bigint NOT NULL,
  PRIMARY KEY (granularity, bucket, facility, installation, proposal, community, metric, user_id)
);
