package eu.panosc.pdp.subject;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.pdp.PdpApplication;
import eu.panosc.pdp.PdpPlatform;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pairwise subjects end to end: the demo registry, aai-broker and PDP in one platform; alice and carol log
 * in at facility services through the real authorization-code flow, and the PDP decides for the pairwise
 * {@code sub} those services see exactly as for the canonical id. Two PDP-only platforms show the denials
 * without credentials and with an unreachable aai-broker.
 */
class PairwiseSubjectIT {
  static final String NOW = "2026-11-26T12:00:00Z";
  static final String MX_EMBARGOED = "10.15151/ESRF-DC-2415001";
  static final String ILL_EMBARGOED = "10.5291/ILL-DATA.9-10-1650";

  @TempDir
  static Path dataDir;
  @TempDir
  static Path lonelyDir;
  @TempDir
  static Path unreachableDir;
  static Platform platform;
  static String base;
  static String evaluateToken;
  static LocalIssuer issuer;
  static Platform lonely;
  static Platform unreachable;

  @BeforeAll
  static void start() throws Exception {
    platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication(),
        new PdpApplication()), true, Map.of(), Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    evaluateToken = clientToken("icat-ill", "pdp:evaluate");
    issuer = LocalIssuer.start();
    lonely = PdpPlatform.start(lonelyDir, issuer, false, Map.of());
    unreachable = PdpPlatform.start(unreachableDir, issuer, false, Map.of(
        "services.pdp.aai.clientId", "pdp-admin", "services.pdp.aai.clientSecret", "pdp-admin-demo-secret",
        "services.pdp.aai.tokenEndpoint", "http://127.0.0.1:" + Http.freePort() + "/aai/token",
        "services.pdp.aai.timeout", "2s"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (Platform p : new Platform[] {unreachable, lonely, platform}) {
      if (p != null) {
        p.stop().get(60, TimeUnit.SECONDS);
      }
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  static String basic(String clientId) {
    return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientId + "-demo-secret")
        .getBytes(StandardCharsets.UTF_8));
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String clientToken(String clientId, String scope) {
    return clientTokenAt(base, clientId, scope);
  }

  /** A client-credentials token of the demo client {@code clientId} from the aai-broker at {@code base}. */
  static String clientTokenAt(String base, String clientId, String scope) {
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Authorization", basic(clientId)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "client_credentials", "scope", scope))))
        .build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }

  /** A browser: cookies kept, redirects not followed. */
  static final class Browser {
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new LoopbackIsSecure(new CookieManager()))
        .followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * As browsers do, treats http://127.0.0.1 and http://localhost as a secure context, so cookies marked Secure (as
     * Keycloak's login cookies are) come along there too; the JDK's CookieManager alone sends them only over https.
     */
    private static final class LoopbackIsSecure extends java.net.CookieHandler {
      private final CookieManager jar;

      LoopbackIsSecure(CookieManager jar) {
        this.jar = jar;
      }

      @Override
      public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
        boolean loopback = "http".equals(uri.getScheme())
            && ("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()));
        return jar.get(loopback ? URI.create("https" + uri.toString().substring("http".length())) : uri, headers);
      }

      @Override
      public void put(URI uri, Map<String, List<String>> headers) throws IOException {
        jar.put(uri, headers);
      }
    }

    HttpResponse<String> send(HttpRequest r) {
      try {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    HttpResponse<String> get(String url) {
      return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    /** Posts the page's form (its hidden fields plus {@code fields}). */
    HttpResponse<String> submit(HttpResponse<String> page, String path, Map<String, String> fields) {
      Map<String, String> all = new LinkedHashMap<>();
      Matcher m = HIDDEN.matcher(page.body());
      while (m.find()) {
        all.put(m.group(1), m.group(2).replace("&amp;", "&"));
      }
      all.putAll(fields);
      return send(HttpRequest.newBuilder(URI.create(base + path))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form(all))).build());
    }
  }

  /** The {@code sub} that {@code clientId}'s facility sees when {@code user} logs in there (authorization-code flow). */
  static String pairwiseSub(String clientId, String redirect, String user) {
    Browser browser = new Browser();
    HttpResponse<String> page = browser.get(base + "/aai/authorize?" + form(Map.of("response_type", "code",
        "client_id", clientId, "redirect_uri", redirect, "scope", "openid", "state", "s1")));
    assertThat(page.body()).contains("name=\"password\"");
    page = browser.submit(page, "/aai/login", Map.of("username", user, "password", user + "-demo-pw"));
    if (page.statusCode() == 200 && page.body().contains("Allow access?")) {
      page = browser.submit(page, "/aai/consent", Map.of("decision", "approve"));
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    String location = page.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(redirect);
    String code = Pattern.compile("[?&]code=([^&]+)").matcher(location).results().findFirst().orElseThrow().group(1);
    HttpResponse<String> token = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Authorization", basic(clientId)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code",
            "code", java.net.URLDecoder.decode(code, StandardCharsets.UTF_8), "redirect_uri", redirect))))
        .build());
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    String jwt = new JsonObject(token.body()).getString("access_token");
    String sub = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
        StandardCharsets.UTF_8)).getString("sub");
    assertThat(sub).isNotBlank().doesNotContain("@");
    return sub;
  }

  static JsonObject subject(String id, String facility) {
    JsonObject s = new JsonObject().put("type", "user").put("id", id);
    return facility == null ? s : s.put("properties", new JsonObject().put("facility", facility));
  }

  static String evaluation(JsonObject subject, String action, String pid) {
    return new JsonObject().put("subject", subject).put("action", new JsonObject().put("name", action))
        .put("resource", new JsonObject().put("type", "dataset").put("id", pid))
        .put("context", new JsonObject().put("time", NOW)).encode();
  }

  static JsonObject post(String url, String token, String path, String body) {
    HttpResponse<String> r = Http.sendJson("POST", url + path, token, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static JsonObject evaluate(JsonObject subject, String action, String pid) {
    return post(base + "/pdp", evaluateToken, "/access/v1/evaluation", evaluation(subject, action, pid));
  }

  @Test
  void pairwiseSubWhenKnownAtItsFacilityThenSameDecisionsAsTheCanonicalId() {
    String aliceAtEsrf = pairwiseSub("scicat-esrf", "http://localhost:3000/auth/callback", "alice");
    String carolAtIll = pairwiseSub("icat-ill", "http://localhost:8181/login/callback", "carol");
    record Case(String pairwise, String facility, String canonical, String action, String pid) {}
    List<Case> cases = List.of(
        new Case(aliceAtEsrf, "esrf", "alice@demo.panosc.eu", "read", MX_EMBARGOED),
        new Case(aliceAtEsrf, "esrf", "alice@demo.panosc.eu", "publish", MX_EMBARGOED),
        new Case(aliceAtEsrf, "esrf", "alice@demo.panosc.eu", "read", ILL_EMBARGOED),
        new Case(carolAtIll, "ill", "carol@demo.panosc.eu", "read", ILL_EMBARGOED),
        new Case(carolAtIll, "ill", "carol@demo.panosc.eu", "read", MX_EMBARGOED));
    for (Case c : cases) {
      JsonObject canonical = evaluate(subject(c.canonical(), null), c.action(), c.pid());
      JsonObject pairwise = evaluate(subject(c.pairwise(), c.facility()), c.action(), c.pid());
      assertThat(pairwise.getBoolean("decision")).as(c.toString()).isEqualTo(canonical.getBoolean("decision"));
      assertThat(pairwise.getJsonObject("context").getJsonObject("reason_admin"))
          .isEqualTo(canonical.getJsonObject("context").getJsonObject("reason_admin"));
    }
    assertThat(evaluate(subject(aliceAtEsrf, "esrf"), "read", MX_EMBARGOED).getBoolean("decision")).isTrue();
    assertThat(evaluate(subject(carolAtIll, "ill"), "read", ILL_EMBARGOED).getBoolean("decision")).isTrue();

    // the resource-broker's canonical ids still work, and a pairwise id is not canonical without its facility
    assertThat(evaluate(subject(aliceAtEsrf, null), "read", MX_EMBARGOED).getBoolean("decision")).isFalse();

    // a batch: one subject resolved once for several items, an unknown one denied in its own item
    JsonObject batch = post(base + "/pdp", evaluateToken, "/access/v1/evaluations", new JsonObject()
        .put("subject", subject(aliceAtEsrf, "esrf")).put("context", new JsonObject().put("time", NOW))
        .put("evaluations", new JsonArray()
            .add(new JsonObject().put("action", new JsonObject().put("name", "read"))
                .put("resource", new JsonObject().put("type", "dataset").put("id", MX_EMBARGOED)))
            .add(new JsonObject().put("subject", subject(aliceAtEsrf, "ill"))
                .put("action", new JsonObject().put("name", "read"))
                .put("resource", new JsonObject().put("type", "dataset").put("id", MX_EMBARGOED)))
            .add(new JsonObject().put("action", new JsonObject().put("name", "annotate"))
                .put("resource", new JsonObject().put("type", "dataset").put("id", MX_EMBARGOED))))
        .encode());
    JsonArray items = batch.getJsonArray("evaluations");
    assertThat(items.getJsonObject(0).getBoolean("decision")).isTrue();
    assertThat(items.getJsonObject(1).getBoolean("decision")).isFalse();
    assertThat(items.getJsonObject(1).getJsonObject("context").getJsonObject("error").getInteger("status"))
        .isEqualTo(404);
    assertThat(items.getJsonObject(2).getBoolean("decision")).isTrue();

    // searches for a pairwise subject
    JsonObject resources = post(base + "/pdp", evaluateToken, "/access/v1/search/resource", new JsonObject()
        .put("subject", subject(aliceAtEsrf, "esrf")).put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset")).put("context", new JsonObject().put("time", NOW))
        .encode());
    assertThat(resources.getJsonArray("results").stream().map(r -> ((JsonObject) r).getString("id")).toList())
        .contains(MX_EMBARGOED).doesNotContain(ILL_EMBARGOED);
    JsonObject actions = post(base + "/pdp", evaluateToken, "/access/v1/search/action", new JsonObject()
        .put("subject", subject(aliceAtEsrf, "esrf"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", MX_EMBARGOED))
        .put("context", new JsonObject().put("time", NOW)).encode());
    assertThat(actions.getJsonArray("results")).isNotEmpty();
    double cached = platform.registry().counter(SubjectResolver.METER, "outcome", "cached").count();
    assertThat(cached).isPositive();
    // the PDP's own client_credentials tokens are fetched once and reused: one for subject resolution (aai:resolve)
    // and one for the forward-auth's registry reads (registry:read, fetched at start); the third is this test's
    assertThat(platform.registry().counter("panosc_aai_tokens_issued_total", "grant_type", "client_credentials")
        .count()).isEqualTo(3.0);
  }

  @Test
  void pairwiseSubWhenUnknownAtTheFacilityThenDeniedWithReason() {
    JsonObject d = evaluate(subject("not-a-pairwise-id-anyone-was-given", "esrf"), "read",
        "10.15151/ESRF-DC-2415002");
    assertThat(d.getBoolean("decision")).isFalse();
    JsonObject error = d.getJsonObject("context").getJsonObject("error");
    assertThat(error.getInteger("status")).isEqualTo(404);
    assertThat(error.getString("message")).contains("not a pairwise subject id").contains("esrf");
    assertThat(d.getJsonObject("context").getJsonObject("reason_user").getString("en")).contains("identity");
    JsonObject search = post(base + "/pdp", evaluateToken, "/access/v1/search/resource", new JsonObject()
        .put("subject", subject("not-a-pairwise-id-anyone-was-given", "esrf"))
        .put("action", new JsonObject().put("name", "read")).put("resource", new JsonObject().put("type", "dataset"))
        .encode());
    assertThat(search.getJsonArray("results")).isEmpty();
    assertThat(search.getJsonObject("page").getString("next_token")).isEmpty();
  }

  @Test
  void facilityPropertyWhenMistypedThen400() {
    for (Object bad : new Object[] {42, "", true}) {
      HttpResponse<String> r = Http.sendJson("POST", base + "/pdp/access/v1/evaluation", evaluateToken,
          evaluation(new JsonObject().put("type", "user").put("id", "x")
              .put("properties", new JsonObject().put("facility", bad)), "read", MX_EMBARGOED));
      assertThat(r.statusCode()).as(String.valueOf(bad)).isEqualTo(400);
      assertThat(r.body()).startsWith("\"subject.properties.facility must be a facility id");
    }
    HttpResponse<String> longId = Http.sendJson("POST", base + "/pdp/access/v1/evaluation", evaluateToken,
        evaluation(subject("x".repeat(513), "esrf"), "read", MX_EMBARGOED));
    assertThat(longId.statusCode()).isEqualTo(400);
  }

  @Test
  void credentialsWhenNotConfiguredThenPairwiseSubjectsDeniedAndCanonicalOnesDecided() {
    String url = lonely.baseUrl() + "/pdp";
    String token = issuer.token(url, "test-client", "pdp:evaluate");
    JsonObject d = post(url, token, "/access/v1/evaluation", evaluation(subject("abc", "esrf"), "read", "10.1/x"));
    assertThat(d.getBoolean("decision")).isFalse();
    JsonObject error = d.getJsonObject("context").getJsonObject("error");
    assertThat(error.getInteger("status")).isEqualTo(503);
    assertThat(error.getString("message")).contains("services.pdp.aai.clientId");
    JsonObject canonical = post(url, token, "/access/v1/evaluation", evaluation(subject("abc", null), "read", "10.1/x"));
    assertThat(canonical.getJsonObject("context").getJsonObject("error").getInteger("status")).isEqualTo(404);
  }

  @Test
  void aaiWhenUnreachableThenDeniedWithReasonAndCounted() {
    String url = unreachable.baseUrl() + "/pdp";
    String token = issuer.token(url, "test-client", "pdp:evaluate");
    JsonObject d = post(url, token, "/access/v1/evaluation", evaluation(subject("abc", "esrf"), "read", "10.1/x"));
    assertThat(d.getBoolean("decision")).isFalse();
    JsonObject error = d.getJsonObject("context").getJsonObject("error");
    assertThat(error.getInteger("status")).isEqualTo(503);
    assertThat(error.getString("message")).contains("could not be resolved").contains("unreachable");
    assertThat(unreachable.registry().counter(SubjectResolver.METER, "outcome", "error").count()).isPositive();
    HttpResponse<String> search = Http.sendJson("POST", url + "/access/v1/search/resource", token, new JsonObject()
        .put("subject", subject("abc", "esrf")).put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset")).encode());
    assertThat(search.statusCode()).isEqualTo(503);
    assertThat(search.body()).startsWith("\"the pairwise subject id could not be resolved");
  }
}
