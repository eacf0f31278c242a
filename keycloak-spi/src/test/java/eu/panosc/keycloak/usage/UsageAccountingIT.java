package eu.panosc.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.keycloak.peers.FacilityRealms;
import eu.panosc.keycloak.peers.OidcFlows;
import eu.panosc.keycloak.peers.PanoscPeers;
import eu.panosc.keycloak.testing.FacilityKeycloak;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.KeycloakHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login and token events of the facility Keycloak (the packaged jar in a real Keycloak) arrive in the real
 * metrics-accounting exactly once, also when accounting (and the aai-broker issuing its tokens) is down while users
 * log in: the records wait in the on-disk queue and arrive after the restart.
 */
class UsageAccountingIT {
  static final String REALM = "kcb-usage";
  static final String WEB = "kcb-web";
  static final String REDIRECT = "http://127.0.0.1:9/cb";
  static final Pattern ACCEPTED = Pattern.compile("panosc_accounting_records_total\\{outcome=\"accepted\"[^}]*} (\\S+)");
  static final Pattern DUPLICATE = Pattern.compile("panosc_accounting_records_total\\{outcome=\"duplicate\"[^}]*} (\\S+)");

  @TempDir static Path dataDir;
  static KeycloakHarness keycloak;
  static Platform platform;
  static OidcFlows flows;
  static String adaId;

  @BeforeAll
  static void start() throws Exception {
    platform = PanoscPeers.start(dataDir);
    keycloak = FacilityKeycloak.shared();
    FacilityRealms realms = new FacilityRealms(keycloak);
    realms.create(new JsonObject().put("realm", REALM).put("enabled", true)
        .put("eventsListeners", new JsonArray().add("jboss-logging").add(UsageEventListenerProviderFactory.ID))
        .put("clients", new JsonArray()
            .add(new JsonObject().put("clientId", WEB).put("secret", WEB + "-secret").put("publicClient", false)
                .put("standardFlowEnabled", true).put("redirectUris", new JsonArray().add(REDIRECT)))
            .add(new JsonObject().put("clientId", "kcb-svc").put("secret", "kcb-svc-secret").put("publicClient", false)
                .put("standardFlowEnabled", false).put("serviceAccountsEnabled", true)))
        .put("users", new JsonArray().add(FacilityRealms.user("ada", "ada-pass"))
            .add(FacilityRealms.user("bob", "bob-pass"))));
    realms.setAttribute(REALM, "ada", "panosc_subject", "pw-ada-7f3a");
    realms.linkUpstream(REALM, "bob", "panosc", "pairwise-bob-91c2");
    adaId = realms.userId(REALM, "ada");
    flows = new OidcFlows(keycloak.baseUrl(), REALM);
  }

  @AfterAll
  static void stop() throws Exception {
    PanoscPeers.stop(platform);
  }

  /** ada: LOGIN, CODE_TO_TOKEN, REFRESH_TOKEN, LOGOUT; the service: CLIENT_LOGIN; bob: LOGIN, CODE_TO_TOKEN. */
  static void usage() throws Exception {
    JsonObject ada = flows.browserLogin(WEB, WEB + "-secret", REDIRECT, "ada", "ada-pass");
    JsonObject refreshed = flows.refresh(WEB, WEB + "-secret", ada.getString("refresh_token"));
    flows.logout(WEB, WEB + "-secret", refreshed.getString("refresh_token"));
    flows.clientCredentials("kcb-svc", "kcb-svc-secret");
    flows.browserLogin(WEB, WEB + "-secret", REDIRECT, "bob", "bob-pass");
  }

  @Test
  void eventsArriveOnceAndAnOutageLosesNothing() throws Exception {
    // accounting up: 7 records (3 sign-ins) arrive, once
    usage();
    await(() -> counter(ACCEPTED) == 7, "7 records accepted by accounting");
    JsonObject report = report();
    assertThat(sessions(report, REALM + "/" + WEB)).isEqualTo(2.0);
    assertThat(sessions(report, REALM + "/kcb-svc")).isEqualTo(1.0);
    assertThat(report.getJsonObject("summary").getInteger("activeUsers")).as("ada and bob, not the service account")
        .isEqualTo(2);
    Thread.sleep(2_000);
    assertThat(counter(ACCEPTED)).as("nothing shipped again").isEqualTo(7);
    assertThat(counter(DUPLICATE)).isZero();

    // accounting (and the token endpoint) down: the same usage waits in the realm's queue, forced to disk
    PanoscPeers.stop(platform);
    platform = null;
    usage();
    Path queue = PanoscPeers.QUEUE.resolve(REALM + ".ndjson");
    await(() -> lines(queue).size() == 7, "7 records queued on disk");
    List<JsonObject> queued = lines(queue).stream().map(JsonObject::new).toList();
    assertThat(queued).extracting(r -> r.getString("user")).containsOnly("pw-ada-7f3a", "pairwise-bob-91c2", null);
    assertThat(Files.readString(queue)).doesNotContain("@example.org").doesNotContain(adaId);
    assertThat(queued).extracting(r -> r.getString("facility")).containsOnly(PanoscPeers.FACILITY);
    assertThat(queued).extracting(r -> r.getString("recordId")).doesNotHaveDuplicates();

    // accounting back: the queued records arrive, once
    platform = PanoscPeers.start(dataDir);
    await(() -> counter(ACCEPTED) == 7, "the 7 queued records accepted after the restart");
    JsonObject after = report();
    assertThat(sessions(after, REALM + "/" + WEB)).isEqualTo(4.0);
    assertThat(sessions(after, REALM + "/kcb-svc")).isEqualTo(2.0);
    await(() -> lines(queue).isEmpty(), "the queue drained");
    Thread.sleep(2_000);
    assertThat(counter(ACCEPTED)).isEqualTo(7);
    assertThat(counter(DUPLICATE)).isZero();
    assertThat(sessions(report(), REALM + "/" + WEB)).isEqualTo(4.0);
  }

  static List<String> lines(Path queue) {
    try {
      return Files.exists(queue) ? Files.readAllLines(queue, StandardCharsets.UTF_8) : List.of();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static double counter(Pattern p) {
    HttpResponse<String> r = Http.get(PanoscPeers.BASE + "/accounting/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m = p.matcher(r.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  static JsonObject report() throws Exception {
    String basic = Base64.getEncoder().encodeToString("eosc-accounting:eosc-accounting-demo-secret"
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> t = Http.send(HttpRequest.newBuilder(URI.create(PanoscPeers.BASE + "/aai/token"))
        .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=accounting:read")).build());
    assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
    String day = LocalDate.now(ZoneOffset.UTC).toString();
    HttpResponse<String> r = Http.getAuthorized(PanoscPeers.BASE + "/accounting/v1/reports?period=" + day
        + "&groupBy=installation&metric=sessions", new JsonObject(t.body()).getString("access_token"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static double sessions(JsonObject report, String installation) {
    return report.getJsonArray("rows").stream().map(JsonObject.class::cast)
        .filter(r -> installation.equals(r.getString("installation")) && "sessions".equals(r.getString("metric")))
        .mapToDouble(r -> r.getDouble("value")).sum();
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
      Thread.sleep(250);
    }
  }
}
