-- Pairwise subject identifiers handed out, so that trusted federation services can resolve a facility's
-- `sub` back to the canonical user (scope aai:resolve) and token exchange can re-target a user's token.
CREATE TABLE pairwise_subject (
  sector  TEXT NOT NULL,
  sub     TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES app_user (id),
  PRIMARY KEY (sector, sub)
);
CREATE INDEX pairwise_subject_user ON pairwise_subject (user_id);
