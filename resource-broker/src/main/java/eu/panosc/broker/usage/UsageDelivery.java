package eu.panosc.broker.usage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to metrics-accounting ({@code POST <accounting>/v1/records}, a JSON array, bearer token with scope
 * {@code accounting:ingest}), a batch at a time, oldest first; a record is marked delivered only after a 200 (which
 * accounting sends after its commit). After a failed batch nothing is sent for a backoff doubling from 5 s to 5 min (reset by a success); as
 * accounting keys records by source and record id, a batch sent twice (an answer lost) is counted once.
 */
public final class UsageDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(UsageDelivery.class);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private final WebClient web;
  private final String endpoint;
  private final Supplier<Future<String>> token;
  private final UsageStore store;
  private final Clock clock;
  private final int batch;
  private int failures;
  /** After a failure no batch is sent before this (the backoff applies to accounting, not to each record). */
  private Instant pausedUntil = Instant.EPOCH;

  /** What one delivery did. */
  public record Outcome(int sent, int delivered, boolean failed) {}

  public UsageDelivery(WebClient web, URI accounting, Supplier<Future<String>> token, UsageStore store, Clock clock,
      int batch) {
    this.web = Objects.requireNonNull(web, "web");
    this.endpoint = accounting.toString().replaceAll("/+$", "") + "/v1/records";
    this.token = Objects.requireNonNull(token, "token");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.batch = batch;
  }

  /** Sends the due records, batch after batch, until none is due or a batch fails. */
  public Future<Outcome> deliver() {
    synchronized (this) {
      if (clock.instant().isBefore(pausedUntil)) {
        return Future.succeededFuture(new Outcome(0, 0, false));
      }
    }
    return deliver(new Outcome(0, 0, false));
  }

  private Future<Outcome> deliver(Outcome sofar) {
    Instant now = clock.instant();
    return store.due(now, batch).compose(records -> {
      if (records.isEmpty()) {
        return Future.succeededFuture(sofar);
      }
      List<String> ids = records.stream().map(UsageRecord::recordId).toList();
      JsonArray body = new JsonArray(records.stream().map(r -> (Object) r.payload()).toList());
      return token.get().compose(t -> web.postAbs(endpoint).bearerTokenAuthentication(t).timeout(30_000)
          .putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer())).transform(ar -> {
            if (ar.succeeded() && ar.result().statusCode() == 200) {
              synchronized (this) {
                failures = 0;
              }
              return store.delivered(ids, clock.instant()).compose(x -> deliver(new Outcome(sofar.sent() + ids.size(),
                  sofar.delivered() + ids.size(), false)));
            }
            String why = ar.succeeded() ? "accounting answered " + ar.result().statusCode()
                + (ar.result().statusCode() == 400 ? ": " + ar.result().bodyAsString() : "")
                : String.valueOf(ar.cause().getMessage());
            Duration wait;
            synchronized (this) {
              failures++;
              wait = backoff(failures);
              pausedUntil = clock.instant().plus(wait);
            }
            LOG.warn("usage: {} records not delivered ({}); retrying in {} s", ids.size(), why, wait.toSeconds());
            return store.failed(ids, clock.instant().plus(wait), why)
                .map(x -> new Outcome(sofar.sent() + ids.size(), sofar.delivered(), true));
          });
    });
  }

  static Duration backoff(int failures) {
    long seconds = FIRST_BACKOFF.toSeconds() << Math.min(Math.max(failures - 1, 0), 10);
    return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
  }
}
