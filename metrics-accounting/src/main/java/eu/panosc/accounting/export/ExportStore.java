package eu.panosc.accounting.export;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.UsageRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** What the exports read: rollup sums per bucket, and the records of analysis sessions in a range. */
public interface ExportStore {
  /**
   * The rollup sums per bucket × facility × installation × proposal × metric of the {@code granularity} buckets in
   * {@code [from, to)}, ordered by bucket, facility, installation, proposal (none first) and metric.
   */
  Future<List<BucketUsage>> bucketUsage(Instant from, Instant to, Granularity granularity);

  /**
   * Hands {@code perSession} the stored records that name a session and overlap {@code [from, to)} (a record with
   * {@code start == end} overlaps when its start lies inside), one session (facility × installation × session) at a
   * time, each ordered by start; sessions in order of facility, installation, session. Only one session's records
   * are held at once, however many the range has.
   */
  Future<Void> sessionRecords(Instant from, Instant to, Consumer<List<UsageRecord>> perSession);
}
