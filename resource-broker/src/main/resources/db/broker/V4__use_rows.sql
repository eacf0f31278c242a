-- What each cluster's and each owner's active sessions hold, kept up to date by a trigger on session in the same
-- transaction as the change: a create counts its owner's active sessions and a reservation reads its cluster's use
-- from one row each, instead of summing every active session of that owner or cluster (which grew with the number
-- of sessions; issue 13's creations-per-second benchmark). Every path that writes a session (the broker's store, the
-- culler, staging, by hand) keeps them true, as they are kept by the database, not by the code.

CREATE TABLE cluster_use (
  cluster text PRIMARY KEY,
  sessions bigint NOT NULL,
  cpu bigint NOT NULL,
  memory_mi bigint NOT NULL,
  gpu bigint NOT NULL
);

CREATE TABLE owner_use (
  owner_id text PRIMARY KEY,
  sessions bigint NOT NULL
);

INSERT INTO cluster_use (cluster, sessions, cpu, memory_mi, gpu)
  SELECT cluster, count(*), sum(cpu), sum(memory_mi), sum(gpu) FROM session
  WHERE cluster IS NOT NULL AND state NOT IN ('STOPPED', 'FAILED') GROUP BY cluster;

INSERT INTO owner_use (owner_id, sessions)
  SELECT owner_id, count(*) FROM session WHERE state NOT IN ('STOPPED', 'FAILED') GROUP BY owner_id;

-- a session counts for its cluster while it is active and placed, for its owner while it is active
CREATE FUNCTION session_use() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_active boolean := CASE WHEN TG_OP = 'INSERT' THEN false ELSE OLD.state NOT IN ('STOPPED', 'FAILED') END;
  is_active boolean := CASE WHEN TG_OP = 'DELETE' THEN false ELSE NEW.state NOT IN ('STOPPED', 'FAILED') END;
  was_placed boolean := was_active AND OLD.cluster IS NOT NULL;
  is_placed boolean := is_active AND NEW.cluster IS NOT NULL;
  same_cluster_share boolean := was_placed AND is_placed AND OLD.cluster = NEW.cluster AND OLD.cpu = NEW.cpu
    AND OLD.memory_mi = NEW.memory_mi AND OLD.gpu = NEW.gpu;
  same_owner_share boolean := was_active = is_active AND (NOT was_active OR OLD.owner_id = NEW.owner_id);
BEGIN
  IF NOT same_cluster_share THEN
    IF was_placed THEN
      UPDATE cluster_use SET sessions = sessions - 1, cpu = cpu - OLD.cpu, memory_mi = memory_mi - OLD.memory_mi,
        gpu = gpu - OLD.gpu WHERE cluster = OLD.cluster;
    END IF;
    IF is_placed THEN
      INSERT INTO cluster_use AS u (cluster, sessions, cpu, memory_mi, gpu)
        VALUES (NEW.cluster, 1, NEW.cpu, NEW.memory_mi, NEW.gpu)
        ON CONFLICT (cluster) DO UPDATE SET sessions = u.sessions + 1, cpu = u.cpu + excluded.cpu,
          memory_mi = u.memory_mi + excluded.memory_mi, gpu = u.gpu + excluded.gpu;
    END IF;
  END IF;
  IF NOT same_owner_share THEN
    IF was_active THEN
      UPDATE owner_use SET sessions = sessions - 1 WHERE owner_id = OLD.owner_id;
    END IF;
    IF is_active THEN
      INSERT INTO owner_use AS u (owner_id, sessions) VALUES (NEW.owner_id, 1)
        ON CONFLICT (owner_id) DO UPDATE SET sessions = u.sessions + 1;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER session_use_insert AFTER INSERT ON session FOR EACH ROW EXECUTE FUNCTION session_use();
CREATE TRIGGER session_use_delete AFTER DELETE ON session FOR EACH ROW EXECUTE FUNCTION session_use();
-- most updates (activity, URL, placement reason, RUNNING after STARTING) change no share: the function is not called
CREATE TRIGGER session_use_update AFTER UPDATE ON session FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.cluster IS DISTINCT FROM NEW.cluster OR OLD.cpu <> NEW.cpu
    OR OLD.memory_mi <> NEW.memory_mi OR OLD.gpu <> NEW.gpu OR OLD.owner_id <> NEW.owner_id)
  EXECUTE FUNCTION session_use();
