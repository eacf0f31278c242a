-- Freshness across replicas. Every committed write batch takes the next number from change_counter (one
-- row; a writer updates it last in its transaction, so the row lock orders writers by commit and a
-- rolled-back batch leaves no gap), stores its changes (ingest records) in change_log and calls
-- pg_notify('pdp_changes', seq), which PostgreSQL delivers on commit. Each replica replays the log in
-- sequence order into its relation cache. Old entries are pruned (services.pdp.changeRetention).
CREATE TABLE change_counter (
  id  boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL
);
INSERT INTO change_counter (id, seq) VALUES (true, 0);

CREATE TABLE change_log (
  seq          bigint PRIMARY KEY,
  changes      jsonb NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_log_committed ON change_log (committed_at);
