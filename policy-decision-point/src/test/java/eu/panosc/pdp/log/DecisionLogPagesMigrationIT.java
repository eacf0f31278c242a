package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The migration to pages ({@code V12__decision_log_pages.sql}) run on a schema holding the former one-row-per-decision
 * table with 2 500 rows (hostile texts, nulls, simulated ones): every row comes back through the {@code decision_log}
 * view unchanged, in pages of at most 1 000 in time order, without filters (so every lookup reads them); then
 * {@code V13__decision_log_page_common.sql}: those pages still read unchanged, and a page written with common values
 * ({@link PageWriter}) reads beside them, every value as written.
 */
class DecisionLogPagesMigrationIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("pdp", 2);

  static final String OLD_TABLE = """
      CREATE TABLE decision_log (
        id uuid PRIMARY KEY, decided_at timestamptz NOT NULL, kind text NOT NULL, item integer, caller text,
        request_id text, subject_type text, subject_id text, resource_type text, resource_id text, action text,
        request jsonb NOT NULL, decision boolean, policy text, policy_version integer, rule text, relation text,
        error_status integer, error_message text, result jsonb, simulated boolean NOT NULL DEFAULT false);
      CREATE INDEX decision_log_time ON decision_log (decided_at, id);
      """;
  static final String COLUMNS = "id, decided_at, kind, item, caller, request_id, subject_type, subject_id, "
      + "resource_type, resource_id, action, request::text, decision, policy, policy_version, rule, relation, "
      + "error_status, error_message, result::text, simulated";

  @Test
  void migrateWhenOldRowsExistThenEveryOneIsInThePagesUnchanged() throws IOException {
    String script = resource("/db/pdp/V12__decision_log_pages.sql");
    SqlConnection c = DB.shared().getConnection().await();
    try {
      c.query("CREATE SCHEMA before_pages; SET search_path TO before_pages, public").execute().await();
      c.query(OLD_TABLE).execute().await();
      c.query("INSERT INTO decision_log (" + COLUMNS.replace("::text", "") + ") SELECT "
          + "gen_random_uuid(), '2026-11-01T00:00:00Z'::timestamptz + g * interval '1 second', "
          + "CASE WHEN g % 5 = 0 THEN 'evaluations' ELSE 'evaluation' END, CASE WHEN g % 5 = 0 THEN g END, "
          + "'caller-' || (g % 3), CASE WHEN g % 7 <> 0 THEN 'req-' || g END, "
          + "CASE WHEN g % 11 <> 0 THEN 'user' END, CASE WHEN g % 11 <> 0 THEN 'hmac:' || md5((g % 40)::text) END, "
          + "'dataset', CASE WHEN g % 13 <> 0 THEN 'doi:10.1/\"x\\' || (g % 60) || E'\\n''' END, 'read', "
          + "CASE WHEN g % 4 = 0 THEN jsonb_build_object('context', jsonb_build_object('n', g, 'q', 'a\"b')) "
          + "ELSE '{}'::jsonb END, CASE WHEN g % 9 <> 0 THEN g % 2 = 0 END, 'dataset-access', 3, 'member', NULL, "
          + "CASE WHEN g % 9 = 0 THEN 503 END, CASE WHEN g % 9 = 0 THEN 'store unavailable' END, "
          + "CASE WHEN g % 17 = 0 THEN jsonb_build_object('count', g, 'more', true) END, g % 6 = 0 "
          + "FROM generate_series(1, 2500) g").execute().await();
      Map<String, List<Object>> before = rows(c, "SELECT " + COLUMNS + " FROM decision_log");
      Set<String> subjects = new HashSet<>();
      c.query("SELECT DISTINCT subject_id FROM decision_log WHERE subject_id IS NOT NULL").execute().await()
          .forEach(r -> subjects.add(r.getString(0)));

      c.query(script).execute().await();

      Map<String, List<Object>> after = rows(c, "SELECT " + COLUMNS + " FROM decision_log");
      assertThat(after).hasSize(2500);
      assertThat(after).isEqualTo(before);
      List<Integer> counts = new ArrayList<>();
      c.query("SELECT row_count FROM decision_log_page ORDER BY first_at").execute().await()
          .forEach(r -> counts.add(r.getInteger(0)));
      assertThat(counts).containsExactly(1000, 1000, 500);
      assertThat(c.query("SELECT count(*) FROM decision_log_page p WHERE first_at > (SELECT max(last_at) FROM "
          + "decision_log_page q WHERE q.first_at < p.first_at)").execute().await().iterator().next().getLong(0))
          .isEqualTo(2);   // the pages follow each other in time
      // moved pages have no filters: every lookup reads them
      assertThat(c.query("SELECT count(*) FROM decision_log_page WHERE subject_filter IS NULL AND resource_filter IS NULL")
          .execute().await().iterator().next().getLong(0)).isEqualTo(3);
      assertThat(c.query("SELECT count(DISTINCT subject_id) FROM decision_log").execute().await().iterator().next()
          .getLong(0)).isEqualTo(subjects.size());
      JsonObject one = c.preparedQuery("SELECT request FROM decision_log WHERE request <> '{}'::jsonb LIMIT 1")
          .execute(Tuple.tuple()).await().iterator().next().getJsonObject(0);
      assertThat(one.getJsonObject("context").getString("q")).isEqualTo("a\"b");

      // V13 (common values per page): the pages V12 wrote read as before, and a page written now reads beside them
      c.query(resource("/db/pdp/V13__decision_log_page_common.sql")).execute().await();
      assertThat(rows(c, "SELECT " + COLUMNS + " FROM decision_log")).isEqualTo(before);
      List<LogRows.Row> fresh = new ArrayList<>();
      for (int i = 0; i < PgDecisionLogIT.HOSTILE.size() * 2; i++) {
        String s = PgDecisionLogIT.HOSTILE.get(i % PgDecisionLogIT.HOSTILE.size());
        boolean odd = i % 3 == 1;
        fresh.add(new LogRows.Row(DecisionIds.next(PageWriterTest.AT.toInstant()), PageWriterTest.AT.plusSeconds(i),
            odd ? "evaluations" : "evaluation", odd ? i : null, odd ? null : "pep", odd ? s : null, "user",
            "hmac:" + i, odd ? null : "dataset", s, "read", odd ? new JsonObject().put("context",
            new JsonObject().put("s", s)).encode() : "{}", odd ? null : i % 2 == 0, "panosc-data", odd ? null : 2,
            odd ? s : "proposal-member", "member", odd ? 500 : null, odd ? s : null,
            i % 5 == 0 ? "{\"count\":" + i + ",\"more\":false}" : null, i % 4 == 0));
      }
      c.preparedQuery(PgDecisionLog.INSERT).execute(PageWriter.page(fresh)).await();
      Map<String, List<Object>> all = rows(c, "SELECT " + COLUMNS + " FROM decision_log");
      assertThat(all).hasSize(2500 + fresh.size());
      for (LogRows.Row r : fresh) {
        assertThat(all.get(r.id().toString())).as(r.toString()).isEqualTo(expected(c, r));
      }
    } finally {
      c.query("RESET search_path").execute().await();
      c.close().await();
    }
  }

  static String resource(String name) throws IOException {
    try (InputStream in = DecisionLogPagesMigrationIT.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The row as {@link #COLUMNS} reads it (request and result as PostgreSQL prints jsonb). */
  private static List<Object> expected(SqlConnection c, LogRows.Row r) {
    Row json = c.preparedQuery("SELECT $1::text::jsonb::text, $2::text::jsonb::text").execute(Tuple.of(r.request(), r.result()))
        .await().iterator().next();
    return java.util.Arrays.asList(r.id(), r.at().toInstant(), r.kind(), r.item(), r.caller(), r.requestId(),
        r.subjectType(), r.subjectId(), r.resourceType(), r.resourceId(), r.action(), json.getString(0), r.decision(),
        r.policy(), r.policyVersion(), r.rule(), r.relation(), r.errorStatus(), r.errorMessage(), json.getString(1),
        r.simulated());
  }

  private static Map<String, List<Object>> rows(SqlConnection c, String sql) {
    Map<String, List<Object>> out = new HashMap<>();
    for (Row r : c.query(sql).execute().await()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.getValue(i);
        values.add(v instanceof java.time.OffsetDateTime t ? t.toInstant() : v);
      }
      out.put(r.getUUID(0).toString(), values);
    }
    return out;
  }
}
