package eu.panosc.accounting.ingest;

import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.InvalidBatchException;
import eu.panosc.accounting.model.RecordError;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.FailureHandler;
import eu.panosc.platform.http.LineReader;
import eu.panosc.platform.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /v1/records} (scope {@code accounting:ingest}): a batch of usage records as a JSON array
 * ({@code application/json}) or NDJSON ({@code application/x-ndjson}, one object per line, read with the
 * platform's {@link LineReader}). Both are read straight from their bytes into records by a
 * {@link RecordStreamParser} on a worker thread. The batch is one transaction: the 200 answer is sent after the
 * commit; a bad record refuses the whole batch with a 400 problem listing each record index, field and reason.
 */
public final class IngestEndpoint {
  public static final String SCOPE = "accounting:ingest";
  public static final String NDJSON = "application/x-ndjson";
  static final int MAX_LINE = 64 * 1024;
  static final String PROBLEM_TYPE = Problem.TYPE_BASE + "invalid-batch";

  private final IngestService service;
  private final RecordStreamParser parser;

  public IngestEndpoint(IngestService service) {
    this.service = Objects.requireNonNull(service, "service");
    this.parser = service.parser();
  }

  public void mount(Router router, BearerAuth auth) {
    // a BodyHandler cannot follow the token check in a route's handler list: it is called from dispatch
    BodyHandler body = BodyHandler.create().setBodyLimit((long) service.maxRecords() * 4096L);
    router.post("/v1/records").handler(rc -> {
      rc.request().pause(); // no byte of the body may be lost while the token is checked
      rc.next();
    }).handler(auth.requireScopes(SCOPE)).handler(rc -> dispatch(rc, body))
        .handler(this::jsonArray);
  }

  private void dispatch(RoutingContext rc, BodyHandler body) {
    // from here until the answer is written (or the connection is gone) the store may hold its roll-up back
    Runnable arrived = service.arriving();
    rc.addEndHandler(done -> arrived.run());
    String type = rc.request().getHeader("Content-Type");
    String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (base.equals(NDJSON) || base.equals("application/jsonl")) {
      ndjson(rc);
    } else if (base.equals("application/json")) {
      body.handle(rc); // reads the body (resuming the request), then continues with jsonArray
    } else {
      rc.request().resume();
      rc.fail(new ApiException(new Problem("about:blank", "Unsupported Media Type", 415,
          "Send the records as a JSON array (application/json) or as " + NDJSON + ", one object per line.",
          Map.of())));
    }
  }

  private void jsonArray(RoutingContext rc) {
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    if (body == null || body.length() == 0) {
      rc.fail(ApiException.badRequest("The request body is empty; a JSON array of records is expected."));
      return;
    }
    int bad = Utf8.firstInvalid(body, 0, body.length());
    if (bad >= 0) {
      long line = 1;
      for (int i = 0; i < bad; i++) {
        line += body.getByte(i) == '\n' ? 1 : 0;
      }
      rc.fail(ApiException.badRequest(Utf8.refusal(line, bad)));
      return;
    }
    // read straight into records, on a worker (see IngestService.ingestParsed)
    store(rc, service.ingestParsed(() -> parser.array(body, service.maxRecords())));
  }

  private void ndjson(RoutingContext rc) {
    List<Buffer> lines = new ArrayList<>();
    List<Long> numbers = new ArrayList<>();
    long[] line = new long[1];
    long[] offset = new long[1]; // of the line's first byte in the body
    LineReader.ofBody(rc.request(), MAX_LINE).read(buffer -> {
      line[0]++;
      long at = offset[0];
      offset[0] += buffer.length() + 1;
      int bad = Utf8.firstInvalid(buffer, 0, buffer.length());
      if (bad >= 0) {
        return Future.failedFuture(ApiException.badRequest(Utf8.refusal(line[0], at + bad)));
      }
      if (isBlank(buffer)) {
        // blank lines are allowed, but not without bound
        return line[0] > 2L * service.maxRecords() + 1000 ? Future.failedFuture(ApiException.badRequest(
            "The body holds more than " + (2L * service.maxRecords() + 1000) + " lines.")) : null;
      }
      if (lines.size() >= service.maxRecords()) {
        return Future.failedFuture(ApiException.badRequest("The batch holds more than " + service.maxRecords()
            + " records; split it."));
      }
      lines.add(buffer); // parsed on a worker, from the bytes: no String per line
      numbers.add(line[0]);
      return null;
    }).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause() instanceof LineReader.LineTooLongException tooLong
            ? ApiException.badRequest("Line " + tooLong.line() + " is longer than " + MAX_LINE + " bytes.")
            : ar.cause() instanceof ApiException ? ar.cause()
            : ApiException.badRequest("The request body could not be read."));
        return;
      }
      store(rc, service.ingestParsed(() -> {
        List<UsageRecord> records = new ArrayList<>(lines.size());
        List<RecordError> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
          parser.line(lines.get(i), numbers.get(i), i, records, errors);
        }
        return new RecordStreamParser.ParsedBatch(lines.size(), records, errors);
      }));
    });
  }

  /** Whether a line holds only JSON whitespace (space, tab, carriage return). */
  private static boolean isBlank(Buffer line) {
    for (int i = 0, n = line.length(); i < n; i++) {
      byte b = line.getByte(i);
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static void store(RoutingContext rc, Future<IngestOutcome> outcome) {
    outcome.onSuccess(o -> rc.json(new JsonObject().put("received", o.received()).put("accepted", o.accepted())
        .put("replaced", o.replaced()).put("duplicates", o.duplicates()).put("stale", o.stale())
        .put("late", o.late()))).onFailure(e -> {
          if (e instanceof InvalidBatchException invalid) {
            FailureHandler.write(rc, problem(invalid));
          } else if (e instanceof RecordStreamParser.MalformedBodyException malformed) {
            rc.fail(ApiException.badRequest(malformed.getMessage()));
          } else {
            rc.fail(e);
          }
        });
  }

  static Problem problem(InvalidBatchException e) {
    JsonArray errors = new JsonArray();
    for (RecordError r : e.errors()) {
      errors.add(new JsonObject().put("record", r.record()).put("field", r.field()).put("pointer", r.pointer())
          .put("reason", r.reason()));
    }
    String detail = e.errors().isEmpty() ? e.getMessage() + "."
        : "Record " + e.errors().get(0).record() + (e.errors().get(0).field().isEmpty() ? ""
            : ", field " + e.errors().get(0).field()) + ": " + e.errors().get(0).reason() + ". " + e.getMessage()
            + ": the whole batch was refused.";
    return new Problem(PROBLEM_TYPE, "Invalid batch", 400, detail, Map.of("errors", errors));
  }
}
