package eu.panosc.keycloak.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A user and clients going through a realm's real OpenID Connect endpoints, as a browser and a backend would. */
public final class OidcFlows {
  private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

  private final String realmUrl;

  public OidcFlows(String keycloakBase, String realm) {
    this.realmUrl = keycloakBase + "/realms/" + realm;
  }

  /** Authorization code flow through Keycloak's login page: LOGIN, then CODE_TO_TOKEN. Answers the token response. */
  public JsonObject browserLogin(String clientId, String secret, String redirectUri, String user, String password)
      throws IOException, InterruptedException {
    // Keycloak's session cookies are Secure (SameSite=None); over http://127.0.0.1 they are carried by hand
    HttpClient browser = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    String auth = realmUrl + "/protocol/openid-connect/auth?" + form(Map.of("client_id", clientId, "redirect_uri",
        redirectUri, "response_type", "code", "scope", "openid", "state", "st-1"));
    HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(auth)).timeout(Duration.ofSeconds(60))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    Matcher m = FORM_ACTION.matcher(page.body());
    assertThat(m.find()).as("the login form in " + page.body()).isTrue();
    String action = m.group(1).replace("&amp;", "&");
    String cookies = page.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0])
        .collect(Collectors.joining("; "));
    HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create(action))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", cookies)
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user, "password", password,
            "credentialId", "")))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
    String location = posted.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(redirectUri);
    Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
    assertThat(code.find()).as(location).isTrue();
    return token(clientId, secret, Map.of("grant_type", "authorization_code", "code",
        java.net.URLDecoder.decode(code.group(1), StandardCharsets.UTF_8), "redirect_uri", redirectUri));
  }

  /** REFRESH_TOKEN. */
  public JsonObject refresh(String clientId, String secret, String refreshToken) throws IOException, InterruptedException {
    return token(clientId, secret, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
  }

  /** CLIENT_LOGIN. */
  public JsonObject clientCredentials(String clientId, String secret) throws IOException, InterruptedException {
    return token(clientId, secret, Map.of("grant_type", "client_credentials"));
  }

  /** A user's token through the password grant of a public client (e.g. the realm's admin-cli). */
  public HttpResponse<String> password(String clientId, String user, String password)
      throws IOException, InterruptedException {
    return post(realmUrl + "/protocol/openid-connect/token", null, null, Map.of("grant_type", "password",
        "client_id", clientId, "username", user, "password", password));
  }

  /** LOGOUT (back-channel, with the refresh token). */
  public void logout(String clientId, String secret, String refreshToken) throws IOException, InterruptedException {
    HttpResponse<String> r = post(realmUrl + "/protocol/openid-connect/logout", clientId, secret,
        Map.of("refresh_token", refreshToken));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
  }

  private JsonObject token(String clientId, String secret, Map<String, String> fields)
      throws IOException, InterruptedException {
    HttpResponse<String> r = post(realmUrl + "/protocol/openid-connect/token", clientId, secret, fields);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> post(String url, String clientId, String secret, Map<String, String> fields)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded");
    if (clientId != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret)
          .getBytes(StandardCharsets.UTF_8)));
    }
    return HttpClient.newHttpClient().send(b.POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }
}
