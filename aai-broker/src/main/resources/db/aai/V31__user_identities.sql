-- Account linking: every upstream identity (its canonical upstream id, the "subject": a scoped subject-id,
-- <IdP>!<persistent NameID>, <issuer>!<sub>, a demo user id; unique across upstreams by construction) belongs to one
-- canonical user. Until now a user was keyed on their one identity (app_user.id = its subject); that stays the user's
-- id, so pairwise subject identifiers do not change. Further identities are linked only when the person confirms it.
CREATE TABLE user_identity (
  subject      TEXT        PRIMARY KEY,
  user_id      TEXT        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  upstream     TEXT,
  display_name TEXT,
  linked_at    TIMESTAMPTZ NOT NULL,
  last_login   TIMESTAMPTZ
);
CREATE INDEX user_identity_user ON user_identity (user_id);

-- Every existing user's one identity (the upstream it came through was not recorded).
INSERT INTO user_identity (subject, user_id, upstream, display_name, linked_at, last_login)
  SELECT id, id, NULL, attributes->>'name', first_login, last_login FROM app_user;
