package eu.panosc.pdp.admin;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.ChangeJson;
import eu.panosc.pdp.store.ConsistencyToken;
import eu.panosc.pdp.store.PdpStore;
import eu.panosc.pdp.store.StoreException;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.FailureHandler;
import eu.panosc.platform.http.LineReader;
import eu.panosc.platform.http.Problem;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /v1/ingest}: an NDJSON stream of records, read line by line (never buffered whole) and
 * written in batches of {@link #BATCH} lines, each batch one transaction. A bad line stops the ingest:
 * its batch is not written at all, earlier batches stay committed (upserts are idempotent, so the
 * caller fixes the line and sends the whole file again), and the answer is a 400 problem naming the
 * line.
 */
public final class IngestEndpoint {
  public static final String MEDIA_TYPE = "application/x-ndjson";
  static final int BATCH = 1000;
  private static final int MAX_LINE = 1024 * 1024;
  /** Ends the reading of a request that has been answered already (a bad line, a refused batch). */
  private static final RuntimeException STOPPED = new Stopped();

  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("ingest stopped", null, false, false);
    }
  }

  private final PdpStore store;

  public IngestEndpoint(PdpStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  public void mount(Router router, BearerAuth auth) {
    // Pause first: the token check may wait for the JWKS, and no body byte may be lost meanwhile.
    router.post("/v1/ingest").handler(rc -> {
      rc.request().pause();
      rc.next();
    }).handler(auth.requireScopes(AdminEndpoint.ADMIN_SCOPE)).handler(this::ingest);
  }

  private void ingest(RoutingContext rc) {
    String type = rc.request().getHeader("Content-Type");
    String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!base.equals(MEDIA_TYPE) && !base.equals("application/jsonl")) {
      rc.fail(new ApiException(new Problem("about:blank", "Unsupported Media Type", 415,
          "Send the records as " + MEDIA_TYPE + ", one JSON object per line.", Map.of())));
      return;
    }
    new Run(rc).start();
  }

  /** One ingest request's state. Runs on the request's event loop only. */
  private final class Run {
    private final RoutingContext rc;
    private List<Change> batch = new ArrayList<>(BATCH);
    private long line;
    private long batchFirstLine = 1;
    private long committedLines;
    private long changes;
    private long batches;
    /** The sequence number of the last committed batch; 0 before the first. */
    private long seq;
    private boolean finished;

    Run(RoutingContext rc) {
      this.rc = rc;
    }

    void start() {
      LineReader.ofBody(rc.request(), MAX_LINE).read(this::record).onComplete(ar -> {
        if (finished) {
          return; // a bad line or a failed batch has answered already
        }
        if (ar.failed()) {
          failLine(ar.cause() instanceof LineReader.LineTooLongException tooLong ? tooLong.line() : line + 1,
              ar.cause() instanceof LineReader.LineTooLongException ? "line longer than " + MAX_LINE + " bytes"
                  : "read error: " + ar.cause().getMessage());
          return;
        }
        flush().onSuccess(v -> succeed());
      });
    }

    /** Parses one line into the batch; a full batch is written before the next line is read. */
    private Future<Void> record(Buffer buffer) {
      line++;
      String text = buffer.toString(StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        return null;
      }
      Change change;
      try {
        Object json = io.vertx.core.json.Json.decodeValue(text);
        if (!(json instanceof JsonObject o)) {
          throw new IllegalArgumentException("a line must be one JSON object");
        }
        change = ChangeJson.read(o);
      } catch (DecodeException e) {
        return failLine(line, "not valid JSON");
      } catch (IllegalArgumentException | NullPointerException e) {
        return failLine(line, e.getMessage());
      }
      batch.add(change);
      return batch.size() >= BATCH ? flush() : null;
    }

    /** Writes the batch as one transaction; fails (having answered) when the store refuses it. */
    private Future<Void> flush() {
      if (batch.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Change> toWrite = batch;
      long first = batchFirstLine;
      long lastLine = line;
      batch = new ArrayList<>(BATCH);
      batchFirstLine = line + 1;
      return store.apply(toWrite).transform(ar -> {
        if (ar.failed()) {
          boolean refused = ar.cause() instanceof StoreException || ar.cause() instanceof InvalidInputException;
          String reason = refused ? ar.cause().getMessage() : "the batch could not be written";
          fail(first, lastLine, reason, refused ? null : ar.cause());
          return Future.failedFuture(STOPPED);
        }
        committedLines = lastLine;
        seq = ar.result();
        changes += toWrite.size();
        batches++;
        return Future.succeededFuture();
      });
    }

    private void succeed() {
      finished = true;
      JsonObject answer = new JsonObject().put("lines", line).put("changes", changes).put("batches", batches);
      if (seq > 0) {
        rc.response().putHeader(ConsistencyToken.HEADER, ConsistencyToken.of(seq));
        answer.put("consistencyToken", ConsistencyToken.of(seq));
      }
      rc.json(answer);
    }

    /** Answers 400 for {@code at}; the failed future stops the reading (the rest of the body is dropped). */
    private Future<Void> failLine(long at, String reason) {
      fail(at, at, reason, null);
      return Future.failedFuture(STOPPED);
    }

    private void fail(long from, long to, String reason, Throwable cause) {
      if (finished) {
        return;
      }
      finished = true;
      if (cause != null) {
        rc.fail(cause);
        return;
      }
      JsonArray errors = new JsonArray().add(new JsonObject().put("line", from).put("reason", reason));
      String detail = from == to ? "Line " + from + ": " + reason + "."
          : "Lines " + from + "-" + to + " (one batch): " + reason + ".";
      Problem problem = new Problem(Problem.TYPE_BASE + "ingest", "Ingest stopped", 400,
          detail + " Lines 1-" + committedLines + " are written; the batch holding line " + from
              + " and everything after it is not.",
          Map.of("errors", errors, "line", from, "committedLines", committedLines));
      if (seq > 0) {
        rc.response().putHeader(ConsistencyToken.HEADER, ConsistencyToken.of(seq));
      }
      FailureHandler.write(rc, problem);
    }
  }
}
