-- Rollups leave the acknowledged transaction (issue 12, ingest >= 50 % of COPY). An ingest commits its records and,
-- in the same transaction, one journal row per change the rollups still have to take: +1 for a record that counts
-- (new, or a cumulative record replacing its predecessor), -1 for the replaced predecessor (its old content, so
-- that exactly its shares are subtracted). The roll-up worker (one at a time: an advisory lock) claims rows by
-- DELETE ... RETURNING and applies their deltas to rollup, rollup_user, user_first_seen and usage_session in the
-- same transaction: a row is applied exactly once, whatever crashes or commits out of order. No index: rows are
-- appended at ingest and claimed in any order (the deltas are additive); the table stays small when the worker
-- keeps up. queued_at is the ingest transaction's start, so every row an earlier-started read could see has a
-- smaller or equal queued_at (reads wait for those).
CREATE TABLE rollup_pending (
  sign smallint NOT NULL CHECK (sign IN (-1, 1)),
  facility text NOT NULL,
  installation text NOT NULL,
  session text,
  user_id text,
  proposal text,
  community text,
  metric text NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  value numeric NOT NULL,
  late boolean NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);

-- Users leave a bucket's set when their reference count drops to zero (rows are deleted then, so reports read
-- no dead members).
DELETE FROM rollup_user WHERE refs <= 0;
