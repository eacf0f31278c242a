-- The session id (`sid`, OpenID Connect Back-Channel Logout 1.0 §2.1) given to clients in ID tokens and logout
-- tokens: random, unrelated to the cookie (whose hash is the key), so that a client learns nothing usable.
ALTER TABLE browser_session ADD COLUMN sid TEXT;
UPDATE browser_session SET sid = md5(random()::text || id_hash) WHERE sid IS NULL;
ALTER TABLE browser_session ALTER COLUMN sid SET NOT NULL;
CREATE UNIQUE INDEX browser_session_sid ON browser_session (sid);

-- The browser session a grant was given in (null for the device flow, whose device has its own login): ending the
-- session revokes its grants and tells their clients (back-channel logout).
ALTER TABLE token_family ADD COLUMN session_sid TEXT;
CREATE INDEX token_family_session ON token_family (session_sid) WHERE session_sid IS NOT NULL;
