package eu.panosc.controlplane;

import eu.panosc.controlplane.ControlPlaneHttp.Failure;
import eu.panosc.platform.demo.DemoFederation;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code panosc token}: runs the real authorization-code flow with PKCE against a running aai-broker in demo
 * mode, headless: fetches the authorization endpoint, posts the demo login form with the user's published
 * password, approves the consent screen, reads the code from the redirect to the client's registered redirect
 * URI (no listener needed: the {@code Location} header is enough), exchanges it and prints the access token.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Log a demo user in through the authorization-code flow (PKCE) of a running broker started with "
        + "--demo, and print the access token.")
final class TokenCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
  private static final Pattern PARAGRAPH = Pattern.compile("<p>([^<]+)</p>");

  @Option(names = "--user", required = true, description = "Demo user: alice, bob, carol or dave (or the canonical id).")
  String user;

  @Option(names = "--client", defaultValue = "panosc-cli", description = "Client id (default: ${DEFAULT-VALUE}).")
  String client;

  @Option(names = "--audience", description = "Resource server the token is for (RFC 8707 resource); repeatable.")
  List<String> audiences = new ArrayList<>();

  @Option(names = "--scope", defaultValue = "openid profile", description = "Scopes (default: ${DEFAULT-VALUE}).")
  String scope;

  @Option(names = "--url", defaultValue = "${PANOSC_URL:-http://localhost:8080}",
      description = "Control plane URL (default: the environment variable PANOSC_URL, else http://localhost:8080).")
  String url;

  @Option(names = "--json", description = "Print the whole token response as JSON instead of the access token.")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    try {
      JsonObject response = run();
      spec.commandLine().getOut().println(json ? response.encodePrettily() : response.getString("access_token"));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (Failure e) {
      spec.commandLine().getErr().println("panosc: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return EXIT_FAILED;
    }
  }

  JsonObject run() throws Failure {
    JsonObject demo = DemoFederation.fixture();
    JsonObject person = find(demo, "users", u -> user.equals(u.getString("username")) || user.equals(u.getString("id")))
        .orElseThrow(() -> new Failure("no demo user " + user + " (the demo users are alice, bob, carol and dave)"));
    JsonObject app = find(demo, "clients", c -> client.equals(c.getString("clientId")))
        .orElseThrow(() -> new Failure("no demo client " + client + " (see: panosc demo-info)"));
    if (app.getJsonArray("redirectUris", new io.vertx.core.json.JsonArray()).isEmpty()) {
      throw new Failure("client " + client + " does not use the authorization-code flow (no redirect URI)");
    }
    ControlPlaneHttp http = new ControlPlaneHttp(HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build(), url, "panosc up --demo");
    String base = http.aai();
    String redirectUri = app.getJsonArray("redirectUris").getString(0);
    String verifier = random();
    String state = random();
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", client);
    query.put("redirect_uri", redirectUri);
    query.put("scope", scope);
    query.put("state", state);
    query.put("nonce", random());
    query.put("code_challenge", s256(verifier));
    query.put("code_challenge_method", "S256");
    StringBuilder authorize = new StringBuilder(base + "/authorize?" + ControlPlaneHttp.form(query));
    audiences.forEach(a -> authorize.append("&resource=").append(ControlPlaneHttp.enc(a)));

    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(authorize.toString())).GET().build());
    if (isForm(page, "name=\"password\"")) {
      Map<String, String> login = hidden(page.body());
      login.put("username", person.getString("username"));
      login.put("password", person.getString("password"));
      page = http.post(base + "/login", login);
      if (isForm(page, "name=\"password\"")) {
        throw new Failure("the broker refused the demo password of " + user + " (is it running with --demo?)");
      }
    }
    if (isForm(page, "name=\"decision\"")) {
      Map<String, String> consent = hidden(page.body());
      consent.put("decision", "approve");
      page = http.post(base + "/consent", consent);
    }
    if (page.statusCode() != 302) {
      throw new Failure("the broker did not issue a code: " + explain(page));
    }
    String location = page.headers().firstValue("Location").orElse("");
    if (!location.startsWith(redirectUri)) {
      throw new Failure("unexpected redirect to " + location);
    }
    Map<String, String> params = parseQuery(URI.create(location).getRawQuery());
    if (params.containsKey("error")) {
      throw new Failure("authorization failed: " + params.get("error") + ": " + params.getOrDefault("error_description", ""));
    }
    if (!state.equals(params.get("state")) || params.get("code") == null) {
      throw new Failure("the redirect carried no code for this request");
    }
    Map<String, String> exchange = new LinkedHashMap<>();
    exchange.put("grant_type", "authorization_code");
    exchange.put("code", params.get("code"));
    exchange.put("redirect_uri", redirectUri);
    exchange.put("code_verifier", verifier);
    HttpRequest.Builder token = HttpRequest.newBuilder(URI.create(base + "/token"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    if (app.getString("secret") != null) {
      token.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ControlPlaneHttp.enc(client) + ":"
          + ControlPlaneHttp.enc(app.getString("secret"))).getBytes(StandardCharsets.UTF_8)));
    } else {
      exchange.put("client_id", client);
    }
    HttpResponse<String> tokens = http.send(token.POST(HttpRequest.BodyPublishers.ofString(ControlPlaneHttp.form(exchange))).build());
    JsonObject body;
    try {
      body = new JsonObject(tokens.body());
    } catch (RuntimeException e) {
      throw new Failure("the token endpoint answered " + tokens.statusCode() + " without JSON");
    }
    if (tokens.statusCode() != 200 || body.getString("access_token") == null) {
      throw new Failure("the token endpoint refused the code: " + body.getString("error") + ": "
          + body.getString("error_description"));
    }
    return body;
  }

  private static boolean isForm(HttpResponse<String> page, String field) {
    return page.statusCode() == 200 && page.body().contains(field);
  }

  /** The first paragraph of an HTML error page, or the status. */
  private static String explain(HttpResponse<String> page) {
    Matcher m = PARAGRAPH.matcher(page.body());
    String text = m.find() ? m.group(1).replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
        : "HTTP " + page.statusCode();
    return text + (page.statusCode() == 400 && page.body().contains("Unknown application")
        ? " (demo clients exist only when the control plane runs with --demo)" : "");
  }

  private static Optional<JsonObject> find(JsonObject demo, String key, java.util.function.Predicate<JsonObject> p) {
    return demo.getJsonArray(key).stream().map(o -> (JsonObject) o).filter(p).findFirst();
  }

  private static Map<String, String> hidden(String html) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(html);
    while (m.find()) {
      out.put(m.group(1), m.group(2).replace("&amp;", "&"));
    }
    return out;
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  private static String random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
