-- Median session length without reading every session (issue 12): per hour, day and month bucket and dimension
-- group, a histogram of the lengths of the sessions overlapping the bucket (rollup.SessionLengths: bin 0 for length
-- 0, else 1 + floor(ln(microseconds) / ln(1.01)), so a bin is 1 % wide). crossing = true counts the sessions that
-- overlap the bucket and the next one: a range of buckets holds each session once as sum(buckets) - sum(crossings of
-- all but its last bucket). Sessions longer than 62 days are in no histogram (they would touch too many buckets);
-- reports read them one by one through the partial index below. Kept by the roll-up worker together with
-- usage_session (a changed span moves the session from its old buckets and bin to its new ones); rows whose count
-- reaches 0 are deleted.
CREATE TABLE session_hist (
  granularity text NOT NULL,
  bucket timestamptz NOT NULL,
  crossing boolean NOT NULL,
  facility text NOT NULL,
  installation text NOT NULL,
  proposal text NOT NULL,
  community text NOT NULL,
  bin integer NOT NULL,
  sessions bigint NOT NULL,
  PRIMARY KEY (granularity, bucket, crossing, facility, installation, proposal, community, bin)
);
ALTER TABLE session_hist SET (fillfactor = 70);

-- The long sessions (> 62 days), found by overlap; and every session by overlap, for the exact median of a period
-- with few sessions.
CREATE INDEX usage_session_long_span ON usage_session USING gist (tstzrange(first_start, last_end, '[]'))
  WHERE last_end - first_start > interval '62 days';
CREATE INDEX usage_session_span ON usage_session USING gist (tstzrange(first_start, last_end, '[]'));

INSERT INTO session_hist (granularity, bucket, crossing, facility, installation, proposal, community, bin, sessions)
SELECT g.granularity, b.bucket AT TIME ZONE 'UTC', c.crossing, s.facility, s.installation, s.proposal, s.community,
  s.bin, count(*)
FROM (SELECT facility, installation, proposal, community, first_start AT TIME ZONE 'UTC' AS first_local,
        (CASE WHEN last_end > first_start THEN last_end - interval '1 microsecond' ELSE first_start END)
          AT TIME ZONE 'UTC' AS last_local,
        CASE WHEN last_end = first_start THEN 0
          ELSE 1 + floor(ln((extract(epoch FROM last_end - first_start) * 1000000)::float8) / ln(1.01::float8))::int
        END AS bin
      FROM usage_session WHERE last_end - first_start <= interval '62 days') s
CROSS JOIN (VALUES ('hour', interval '1 hour'), ('day', interval '1 day'), ('month', interval '1 month'))
  AS g(granularity, step)
CROSS JOIN LATERAL generate_series(date_trunc(g.granularity, s.first_local), date_trunc(g.granularity, s.last_local),
  g.step) AS b(bucket)
CROSS JOIN LATERAL (SELECT false UNION ALL SELECT true WHERE b.bucket < date_trunc(g.granularity, s.last_local))
  AS c(crossing)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
