-- A cheaper journal row for the COPY ingest path (issue 12, ingest >= 50 % of COPY). A new batch is now copied
-- straight into usage_record (no staging table) and its journal row carries the very COPY text it was written with
-- (payload: one line per record, usage_record's columns tab-separated in COPY text format), instead of 12 arrays
-- aggregated from a staging table. Such a row holds only +1 entries (records counts them all); the roll-up worker
-- reads either form. The arrays stay for the other writers (checked retries with replaced cumulative records, the
-- Vert.x client's path): exactly one of payload and sign is set. The payload is stored out of line uncompressed
-- (compressing about 1 MB per batch would cost the acknowledged transaction more than the bytes it saves).
ALTER TABLE rollup_pending ADD COLUMN payload text;
ALTER TABLE rollup_pending ALTER COLUMN payload SET STORAGE EXTERNAL;
ALTER TABLE rollup_pending
  ALTER COLUMN sign DROP NOT NULL,
  ALTER COLUMN facility DROP NOT NULL,
  ALTER COLUMN installation DROP NOT NULL,
  ALTER COLUMN session DROP NOT NULL,
  ALTER COLUMN user_id DROP NOT NULL,
  ALTER COLUMN proposal DROP NOT NULL,
  ALTER COLUMN community DROP NOT NULL,
  ALTER COLUMN metric DROP NOT NULL,
  ALTER COLUMN start_at DROP NOT NULL,
  ALTER COLUMN end_at DROP NOT NULL,
  ALTER COLUMN value DROP NOT NULL,
  ALTER COLUMN late DROP NOT NULL,
  ADD CONSTRAINT rollup_pending_one_form CHECK ((payload IS NULL) = (sign IS NOT NULL)
    AND (sign IS NULL) = (facility IS NULL) AND (sign IS NULL) = (late IS NULL));
