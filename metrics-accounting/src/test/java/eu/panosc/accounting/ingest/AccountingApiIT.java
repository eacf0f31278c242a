package eu.panosc.accounting.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.AccountingPlatform;
import eu.panosc.accounting.AccountingPlatform.Client;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest and report API over HTTP on a real platform: formats, whole-batch refusal, scopes, CSV. */
class AccountingApiIT {
  @TempDir
  static Path dir;
  static LocalIssuer issuer;
  static Platform platform;
  static Client ingest;
  static Client read;

  final String facility = "fac-" + UUID.randomUUID();

  @BeforeAll
  static void start() throws Exception {
    issuer = LocalIssuer.start();
    platform = AccountingPlatform.start(dir.resolve("data"), issuer);
    ingest = Client.of(platform, issuer, "accounting:ingest");
    read = Client.of(platform, issuer, "accounting:read");
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  JsonObject record(String id, String start, String end, double value) {
    return new JsonObject().put("source", "broker").put("recordId", facility + "/" + id).put("facility", facility)
        .put("installation", "inst-1").put("user", "u-" + id).put("proposal", "prop-1").put("community", "mx")
        .put("metric", "cpu_core_hours").put("start", start).put("end", end).put("value", value);
  }

  JsonObject monthRow(String period) {
    HttpResponse<String> r = read.report("period=" + period + "&groupBy=facility", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    // the report waited for the roll-up of what was acknowledged before it, and says so
    JsonObject doc = new JsonObject(r.body());
    assertThat(doc.getLong("pendingRecords")).as(r.body()).isZero();
    assertThat(java.time.Instant.parse(doc.getString("completeUntil"))).isNotNull();
    for (Object o : new JsonObject(r.body()).getJsonArray("rows")) {
      JsonObject row = (JsonObject) o;
      if (facility.equals(row.getString("facility"))) {
        return row;
      }
    }
    return null;
  }

  @Test
  void postWhenJsonArrayThenCommittedAndRetryCountsNothingTwice() {
    String body = new JsonArray().add(record("1", "2026-11-30T10:00:00Z", "2026-11-30T12:00:00Z", 4))
        .add(record("2", "2026-11-30T23:00:00Z", "2026-12-01T01:00:00Z", 2)).encode();
    HttpResponse<String> first = ingest.post("application/json", body);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(new JsonObject(first.body()).getInteger("accepted")).isEqualTo(2);
    HttpResponse<String> retry = ingest.post("application/json; charset=utf-8", body);
    assertThat(new JsonObject(retry.body()).getInteger("duplicates")).isEqualTo(2);
    JsonObject november = monthRow("2026-11");
    assertThat(november.getDouble("value")).isEqualTo(5.0);
    assertThat(november.getInteger("uniqueUsers")).isEqualTo(2);
    assertThat(monthRow("2026-12").getDouble("value")).isEqualTo(1.0);
    assertThat(monthRow("2026-11-30T23").getDouble("value")).isEqualTo(1.0);
    String metrics = eu.panosc.platform.testing.Http.get(ingest.base() + "/metrics").body();
    assertThat(metrics).contains("panosc_accounting_records_total{outcome=\"accepted\"}")
        .contains("panosc_accounting_records_total{outcome=\"duplicate\"}")
        .contains("panosc_accounting_record_lag_seconds_count");
  }

  @Test
  void postWhenNdjsonWithBlankLinesThenEveryRecordCounted() {
    String body = record("1", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 1).encode() + "\n\n"
        + record("2", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 2).encode() + "\r\n"
        + record("3", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 3).encode();
    HttpResponse<String> r = ingest.post("application/x-ndjson", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getInteger("accepted")).isEqualTo(3);
    assertThat(monthRow("2026-11-30").getDouble("value")).isEqualTo(6.0);
  }

  @Test
  void postWhenOneRecordIsBadThenWholeBatchRefusedNamingRecordAndField() {
    JsonArray batch = new JsonArray().add(record("ok", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z", 1))
        .add(record("bad", "2026-11-30T12:00:00Z", "2026-11-30T11:00:00Z", 1))
        .add(record("bad2", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z", 1).put("metric", "bananas"))
        .add(record("bad3", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z", -1))
        .add(record("bad4", "10000-01-01T00:00:00Z", "2026-11-30T11:00:00Z", 1))
        .add(record("bad5", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z", 1).put("usr", "typo"))
        .add(record("bad6", "2999-11-30T10:00:00Z", "2999-11-30T11:00:00Z", 1))
        .add(record("bad7", "2026-10-01T10:00:00Z", "2026-11-30T11:00:00Z", 1));
    HttpResponse<String> r = ingest.post("application/json", batch.encode());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getString("detail")).startsWith("Record 1, field end: must not be before start");
    assertThat(problem.getJsonArray("errors").stream().map(o -> ((JsonObject) o).getString("pointer")))
        .containsExactly("/1/end", "/2/metric", "/3/value", "/4/start", "/5/usr", "/6/end", "/7/end");
    assertThat(problem.getJsonArray("errors").getJsonObject(5).getString("reason")).isEqualTo("must not lie in the future");
    assertThat(problem.getJsonArray("errors").getJsonObject(6).getString("reason")).startsWith("must be at most 31 days");
    assertThat(monthRow("2026-11")).as("nothing of the batch was stored").isNull();
  }

  @Test
  void postWhenNdjsonLineIsNotJsonThenRefusedNamingTheRecord() {
    String body = record("1", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 1).encode() + "\n{oops\n";
    HttpResponse<String> r = ingest.post("application/x-ndjson", body);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0);
    assertThat(error.getInteger("record")).isEqualTo(1);
    assertThat(error.getString("reason")).isEqualTo("line 2 is not valid JSON");
    assertThat(monthRow("2026-11")).isNull();
  }

  /** Invalid UTF-8 is refused whole, with the same problem in both formats, and nothing is stored (never U+FFFD). */
  @Test
  void postWhenBodyIsNotUtf8ThenBothFormatsRefuseItTheSameWay() {
    String good = record("utf8-ok", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 1).encode();
    String bad = record("utf8-bad", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 1).put("user", "BAD").encode();
    int at = good.length() + 1 + bad.indexOf("BAD");
    // an overlong "/" (C0 AF) inside a string value on line 2: "[" and "\n," put it 2 bytes later in the array
    byte[] ndjson = (good + "\n" + bad + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] array = ("[" + good + "\n," + bad + "]").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (byte[] body : new byte[][] {ndjson, array}) {
      int i = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("BAD");
      body[i] = (byte) 0xC0;
      body[i + 1] = (byte) 0xAF;
    }
    HttpResponse<String> n = postBytes("application/x-ndjson", ndjson);
    HttpResponse<String> a = postBytes("application/json", array);
    for (HttpResponse<String> r : java.util.List.of(n, a)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    assertThat(new JsonObject(n.body()).getString("detail"))
        .isEqualTo("The request body is not valid UTF-8 (line 2, byte offset " + at + "); send the records as UTF-8.");
    assertThat(new JsonObject(a.body()).getString("detail"))
        .isEqualTo("The request body is not valid UTF-8 (line 2, byte offset " + (at + 2) + "); send the records as UTF-8.");
    assertThat(new JsonObject(n.body()).getString("type")).isEqualTo(new JsonObject(a.body()).getString("type"));
    assertThat(monthRow("2026-11")).as("nothing of either batch was stored").isNull();
  }

  private HttpResponse<String> postBytes(String contentType, byte[] body) {
    return eu.panosc.platform.testing.Http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(ingest.base() + "/v1/records")).header("Authorization", "Bearer " + ingest.token())
        .header("Content-Type", contentType).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  @Test
  void postWhenClientExpectsContinueThenToldToGoOnOnlyOnceTheTokenIsAccepted() throws Exception {
    // curl asks with Expect: 100-continue for bodies over 1 MiB, then waits a second before sending anyway
    String body = record("expect-1", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 1).encode() + "\n"
        + record("expect-2", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 2).encode() + "\n";
    java.net.URI uri = java.net.URI.create(ingest.base());
    java.util.function.Function<String, String> head = token -> "POST " + uri.getPath() + "/v1/records HTTP/1.1\r\n"
        + "Host: localhost\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/x-ndjson\r\n"
        + "Content-Length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        + "\r\nExpect: 100-continue\r\n\r\n";

    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000); // an unanswered expectation fails here instead of hanging
      socket.getOutputStream().write(head.apply("nope").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String refused = readHead(socket.getInputStream());
      assertThat(refused).as("a final answer, no invitation to send the body").startsWith("HTTP/1.1 401 ");
    }
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(head.apply(ingest.token()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 100 Continue\r\n");
      out.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
    }
    assertThat(monthRow("2026-11-30").getDouble("value")).as("both records, once").isEqualTo(3.0);
  }

  /** An answer's status line and headers, up to the empty line. */
  private static String readHead(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed; received: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @Test
  void postWhenMalformedBodiesThenClearProblems() {
    assertThat(ingest.post("application/json", "{}").statusCode()).isEqualTo(400);
    assertThat(ingest.post("application/json", "[").statusCode()).isEqualTo(400);
    assertThat(ingest.post("application/json", "[]").body()).contains("no record");
    assertThat(ingest.post("application/json", "[1]").body()).contains("\"pointer\":\"/0\"");
    HttpResponse<String> text = ingest.post("text/plain", "x");
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(text.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void postWhenRecordEndedLongAgoThenAcceptedAndReportedLate() {
    HttpResponse<String> r = ingest.post("application/json", new JsonArray()
        .add(record("old", "2026-11-20T10:00:00Z", "2026-11-20T12:00:00Z", 3))
        .add(record("new", "2026-11-30T10:00:00Z", "2026-11-30T12:00:00Z", 1)).encode());
    assertThat(new JsonObject(r.body()).getInteger("late")).isEqualTo(1);
    JsonObject row = monthRow("2026-11");
    assertThat(row.getBoolean("late")).isTrue();
    assertThat(row.getDouble("lateValue")).isEqualTo(3.0);
    assertThat(monthRow("2026-11-30").getBoolean("late")).isFalse();
  }

  @Test
  void postWhenWrongScopeOrNoTokenThenRefused() {
    String body = new JsonArray().add(record("1", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 1)).encode();
    assertThat(read.post("application/json", body).statusCode()).isEqualTo(403);
    assertThat(new Client(ingest.base(), "nope").post("application/json", body).statusCode()).isEqualTo(401);
    assertThat(ingest.report("period=2026-11", null).statusCode()).isEqualTo(403);
    assertThat(monthRow("2026-11")).isNull();
  }

  @Test
  void reportWhenCsvThenRfc4180AndFormulaNeutralised() {
    JsonObject evil = record("1", "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 2.5).put("community",
        "=HYPERLINK(\"http://x\",\"y\")");
    assertThat(ingest.post("application/json", new JsonArray().add(evil).encode()).statusCode()).isEqualTo(200);
    HttpResponse<String> r = read.report("period=2026-11-30&groupBy=facility,community&metric=cpu_core_hours",
        "text/csv");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    // the JSON answer's completeness, as headers: the read waited for the roll-up, nothing is missing
    assertThat(r.headers().firstValue("Accounting-Pending-Records")).hasValue("0");
    assertThat(r.headers().firstValue("Accounting-Complete-Until").map(java.time.Instant::parse)).isPresent();
    String[] lines = r.body().split("\r\n");
    assertThat(lines[0]).isEqualTo("from,to,facility,community,metric,value,late_value,late,unique_users,"
        + "unique_proposals");
    assertThat(r.body()).contains("2026-11-30T00:00:00Z,2026-12-01T00:00:00Z," + facility
        + ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",cpu_core_hours,2.5,0,false,1,1\r\n");
  }

  @Test
  void reportWhenBadParametersThenProblemNamingThem() {
    HttpResponse<String> period = read.report("period=2026-13", null);
    assertThat(period.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(period.body()).getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("period");
    assertThat(read.report("", null).statusCode()).isEqualTo(400);
    assertThat(read.report("period=2026-11&groupBy=colour", null).body()).contains("groupBy");
    assertThat(read.report("period=2026-11&metric=bananas", null).body()).contains("metric");
    assertThat(read.report("period=2026-11", "application/xml").statusCode()).isEqualTo(406);
    assertThat(read.report("period=2026-11", "text/csv;q=0, application/json").headers()
        .firstValue("Content-Type").orElseThrow()).startsWith("application/json");
  }
}
