package eu.panosc.accounting.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.InvalidBatchException;
import eu.panosc.accounting.model.RecordError;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.AccountingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestServiceTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  /** Records what it was given; answers that everything was accepted. */
  static final class RecordingStore implements AccountingStore {
    final List<UsageRecord> stored = new ArrayList<>();

    @Override
    public Future<IngestOutcome> ingest(List<UsageRecord> batch, Instant receivedAt) {
      stored.addAll(batch);
      return Future.succeededFuture(new IngestOutcome(batch.size(), batch.size(), 0, 0, 0, 0));
    }

    @Override
    public Future<eu.panosc.accounting.model.RollupStatus> awaitRollups() {
      return Future.succeededFuture(new eu.panosc.accounting.model.RollupStatus(0, NOW));
    }

    @Override
    public Future<List<ReportRow>> report(ReportQuery query) {
      return Future.succeededFuture(List.of());
    }
  }

  final RecordingStore store = new RecordingStore();
  final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  final IngestService service = new IngestService(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(2),
      Duration.ofDays(31), Duration.ofMinutes(15), 3, 50, meters);

  static JsonObject record(String id, String end) {
    return new JsonObject().put("source", "s").put("recordId", id).put("facility", "f").put("installation", "i")
        .put("metric", "sessions").put("start", end).put("end", end).put("value", 1);
  }

  static List<RecordError> errors(Future<?> f) {
    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).isInstanceOf(InvalidBatchException.class);
    return ((InvalidBatchException) f.cause()).errors();
  }

  @Test
  void ingestWhenEndOlderThanHorizonThenMarkedLate() {
    assertThat(service.ingest(List.of(record("old", "2026-11-29T11:59:59Z"), record("recent",
        "2026-11-29T12:00:01Z"))).succeeded()).isTrue();
    assertThat(store.stored).extracting(UsageRecord::recordId, UsageRecord::late)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("old", true),
            org.assertj.core.groups.Tuple.tuple("recent", false));
  }

  @Test
  void ingestWhenEndInTheFutureBeyondToleranceThenRefusedAndNothingStored() {
    assertThat(service.ingest(List.of(record("ok", "2026-12-01T12:14:00Z"))).succeeded()).isTrue();
    store.stored.clear();
    List<RecordError> e = errors(service.ingest(List.of(record("a", "2026-12-01T10:00:00Z"),
        record("b", "2026-12-01T12:16:00Z"))));
    assertThat(e).containsExactly(new RecordError(1, "end", "must not lie in the future"));
    assertThat(store.stored).isEmpty();
  }

  @Test
  void ingestWhenEmptyOrTooManyThenRefusedWithoutTouchingTheStore() {
    assertThat(service.ingest(List.of()).cause()).hasMessageContaining("no record");
    List<Object> four = new ArrayList<>(Collections.nCopies(4, record("x", "2026-12-01T10:00:00Z")));
    assertThat(service.ingest(four).cause()).hasMessageContaining("more than 3 records");
    assertThat(store.stored).isEmpty();
  }

  @Test
  void ingestWhenFieldsHaveWrongTypesThenEachNamed() {
    JsonObject bad = record("x", "2026-12-01T10:00:00Z").put("value", "1").put("cumulative", "yes")
        .put("facility", 7).put("start", 5).put("user", "a\u0000b");
    bad.remove("installation");
    assertThat(errors(service.ingest(List.of(bad)))).extracting(RecordError::field)
        .containsExactlyInAnyOrder("facility", "installation", "user", "start", "value", "cumulative");
    assertThat(store.stored).isEmpty();
  }

  @Test
  void ingestWhenRecordsSpanTooManyHoursTogetherThenRefusedWhole() {
    JsonObject day = record("d1", "2026-11-30T00:00:00Z").put("start", "2026-11-29T00:00:00Z");
    JsonObject dayAndMore = record("d2", "2026-11-30T02:00:00Z").put("start", "2026-11-29T00:30:00Z");
    // 24 + 26 hour buckets: exactly the limit
    assertThat(service.ingest(List.of(day, dayAndMore)).succeeded()).isTrue();
    store.stored.clear();
    JsonObject oneMore = record("d3", "2026-11-30T00:00:00Z");
    assertThat(service.ingest(List.of(day, dayAndMore, oneMore)).cause()).hasMessageContaining("51 hour buckets");
    assertThat(store.stored).isEmpty();
  }

  @Test
  void hourBucketsWhenCountedThenAsManyAsTheRollupShares() {
    String[][] spans = {{"2026-11-05T10:00:00Z", "2026-11-05T10:00:00Z"}, {"2026-11-05T10:00:00Z",
        "2026-11-05T11:00:00Z"}, {"2026-11-05T10:30:00Z", "2026-11-05T11:00:00.000001Z"}, {"2026-11-05T10:59:59Z",
        "2026-11-07T00:00:00Z"}, {"2026-10-31T23:15:00Z", "2026-11-01T00:45:00Z"}};
    for (String[] span : spans) {
      UsageRecord r = new UsageRecord("s", "r", "f", "i", null, null, null, null, null,
          eu.panosc.accounting.model.Metric.SESSIONS, Instant.parse(span[0]), Instant.parse(span[1]),
          java.math.BigDecimal.ONE, false, false);
      assertThat(IngestService.hourBuckets(r)).as(span[0] + ".." + span[1]).isEqualTo(
          eu.panosc.accounting.rollup.ProRating.shares(r, eu.panosc.accounting.model.Granularity.HOUR).size());
    }
  }

  @Test
  void ingestWhenCommittedOrRefusedThenCounted() {
    service.ingest(List.of(record("a", "2026-12-01T11:00:00Z"), record("b", "2026-12-01T10:00:00Z")));
    service.ingest(List.of(record("c", "2026-12-01T14:00:00Z")));
    assertThat(meters.counter(IngestService.METER_RECORDS, "outcome", "accepted").count()).isEqualTo(2.0);
    assertThat(meters.counter(IngestService.METER_REFUSED).count()).isEqualTo(1.0);
    var lag = meters.get(IngestService.METER_LAG).summary();
    assertThat(lag.count()).isEqualTo(2);
    assertThat(lag.totalAmount()).isEqualTo(3600.0 + 7200.0);
  }

  @Test
  void ingestLagGaugeWhenBatchesCommittedThenAgeOfTheNewestEndAndNaNBefore() {
    assertThat(meters.get(IngestService.METER_INGEST_LAG).gauge().value()).isNaN();
    assertThat(meters.get(IngestService.METER_RECORDS).tag("outcome", "duplicate").counter().count()).isZero();
    service.ingest(List.of(record("a", "2026-12-01T09:00:00Z"), record("b", "2026-12-01T10:30:00Z")));
    assertThat(meters.get(IngestService.METER_INGEST_LAG).gauge().value()).isEqualTo(5400.0);
    service.ingest(List.of(record("c", "2026-12-01T08:00:00Z"))); // older data does not make it lag more
    assertThat(meters.get(IngestService.METER_INGEST_LAG).gauge().value()).isEqualTo(5400.0);
    service.ingest(List.of(record("d", "2026-12-01T14:00:00Z"))); // refused (future): changes nothing
    assertThat(meters.get(IngestService.METER_INGEST_LAG).gauge().value()).isEqualTo(5400.0);
  }
}
