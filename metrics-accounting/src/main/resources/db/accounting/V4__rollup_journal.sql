-- Rollups leave the acknowledged transaction (issue 12, ingest >= 50 % of COPY). An ingest commits its records and,
-- in the same statement, one journal row holding, as parallel arrays, one entry per change the rollups still have
-- to take: +1 for a record that counts (new, or a cumulative record replacing its predecessor), -1 for a replaced
-- predecessor (its old content, so that exactly its shares are subtracted). One row per batch, not per record: the
-- journal costs the ingest one (compressed) tuple. The roll-up worker (one at a time: an advisory lock) claims rows
-- by DELETE ... RETURNING and applies their deltas to rollup, rollup_user, user_first_seen and usage_session in the
-- same transaction: a row is applied exactly once, whatever crashes or commits out of order. No index: rows are
-- appended at ingest and claimed in any order (the deltas are additive). queued_at is the ingest transaction's
-- start, so every row an earlier-started read could see has a smaller or equal queued_at (reads wait for those).
-- records (the +1 entries), hours (about the hour buckets the entries span), first_start and last_end summarize
-- the row for the worker's step size, the lag and the exports' overlap checks.
CREATE TABLE rollup_pending (
  records integer NOT NULL,
  hours bigint NOT NULL,
  first_start timestamptz NOT NULL,
  last_end timestamptz NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now(),
  sign smallint[] NOT NULL,
  facility text[] NOT NULL,
  installation text[] NOT NULL,
  session text[] NOT NULL,
  user_id text[] NOT NULL,
  proposal text[] NOT NULL,
  community text[] NOT NULL,
  metric text[] NOT NULL,
  start_at timestamptz[] NOT NULL,
  end_at timestamptz[] NOT NULL,
  value numeric[] NOT NULL,
  late boolean[] NOT NULL
);

-- Users leave a bucket's set when their reference count drops to zero (rows are deleted then, so reports read
-- no dead members).
DELETE FROM rollup_user WHERE refs <= 0;

-- Exact distinct users per month and report group, so that a month report reads O(groups) rows instead of every
-- user row of the month (issue 12: a monthly report over 100 M records in <= 500 ms). grouping is a bit mask of the
-- dimensions the group keeps: 1 facility, 4 community (installation and proposal are not kept: reports grouped or
-- filtered by them count from rollup_user); a dimension not kept is ''. metric '' stands for all metrics together.
-- rollup_group_user is the set (refs: live records naming the user within the group; rows leave at 0), and
-- rollup_group_users its size, changed by the worker in the transaction that moves a member in or out.
CREATE TABLE rollup_group_user (
  bucket timestamptz NOT NULL,
  grouping smallint NOT NULL CHECK (grouping IN (0, 1, 4, 5)),
  facility text NOT NULL,
  community text NOT NULL,
  metric text NOT NULL,
  user_id text NOT NULL,
  refs bigint NOT NULL,
  PRIMARY KEY (bucket, grouping, facility, community, metric, user_id)
);

CREATE TABLE rollup_group_users (
  bucket timestamptz NOT NULL,
  grouping smallint NOT NULL CHECK (grouping IN (0, 1, 4, 5)),
  facility text NOT NULL,
  community text NOT NULL,
  metric text NOT NULL,
  users bigint NOT NULL,
  PRIMARY KEY (bucket, grouping, facility, community, metric)
);

INSERT INTO rollup_group_user (bucket, grouping, facility, community, metric, user_id, refs)
SELECT bucket, (CASE WHEN GROUPING(facility) = 0 THEN 1 ELSE 0 END) + (CASE WHEN GROUPING(community) = 0 THEN 4 ELSE 0 END),
  coalesce(facility, ''), coalesce(community, ''), coalesce(metric, ''), user_id, sum(refs)
FROM (SELECT bucket, facility, community, metric, user_id, refs FROM rollup_user
      WHERE granularity = 'month' AND refs > 0) u
GROUP BY bucket, user_id, CUBE (facility, community), GROUPING SETS ((metric), ());

INSERT INTO rollup_group_users (bucket, grouping, facility, community, metric, users)
SELECT bucket, grouping, facility, community, metric, count(*) FROM rollup_group_user
GROUP BY bucket, grouping, facility, community, metric;

-- The worker's upserts mostly update rows in place (value, refs, users: no indexed column changes); free space on
-- each page lets PostgreSQL make them HOT updates (no new index entries). Applies to pages written from now on.
ALTER TABLE rollup SET (fillfactor = 70);
ALTER TABLE rollup_user SET (fillfactor = 70);
ALTER TABLE rollup_group_user SET (fillfactor = 70);
ALTER TABLE rollup_group_users SET (fillfactor = 70);
ALTER TABLE usage_session SET (fillfactor = 80);
