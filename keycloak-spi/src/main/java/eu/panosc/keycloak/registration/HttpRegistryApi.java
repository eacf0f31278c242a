package eu.panosc.keycloak.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eu.panosc.keycloak.oauth.ClientCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** {@link RegistryApi} over HTTP with a client credentials token (scope {@code registry:admin}). */
public final class HttpRegistryApi implements RegistryApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String clients;
  private final ClientCredentials credentials;

  public HttpRegistryApi(HttpClient http, URI registryBase, ClientCredentials credentials) {
    this.http = Objects.requireNonNull(http);
    String base = registryBase.toString();
    this.clients = (base.endsWith("/") ? base : base + "/") + "admin/v1/clients";
    this.credentials = Objects.requireNonNull(credentials);
  }

  @Override
  public Optional<Stored> get(String clientId) throws RegistryException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(clients + "/" + enc(clientId))).GET());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw refused(r);
    }
    try {
      JsonNode member = JSON.readTree(r.body());
      long version = member.path("version").asLong(-1);
      if (!member.isObject() || version < 0) {
        throw new RegistryException("the registry answered a member without a version", true);
      }
      return Optional.of(new Stored((ObjectNode) member, version));
    } catch (IOException e) {
      throw new RegistryException("the registry answered something that is not JSON", true);
    }
  }

  @Override
  public void create(ObjectNode document) throws RegistryException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(clients))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(document.toString())));
    // the answer may carry a generated clientSecret (for the aai-broker): it is not kept, not logged
    if (r.statusCode() != 201) {
      throw refused(r);
    }
  }

  @Override
  public void replace(String clientId, ObjectNode document, long version) throws RegistryException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(clients + "/" + enc(clientId)))
        .header("Content-Type", "application/json").header("If-Match", "\"" + version + "\"")
        .PUT(HttpRequest.BodyPublishers.ofString(document.toString())));
    if (r.statusCode() != 200) {
      throw refused(r);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws RegistryException {
    String token;
    try {
      token = credentials.token();
    } catch (ClientCredentials.TokenException e) {
      throw new RegistryException(e.getMessage(), true);
    }
    HttpRequest request = b.timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token)
        .header("Accept", "application/json").build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 401) {
        credentials.invalidate();
      }
      return r;
    } catch (IOException e) {
      throw new RegistryException("federation-registry unreachable at " + clients + ": " + ClientCredentials.reason(e), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted", true);
    }
  }

  /** RFC 9457 problem details: the detail (and the field's pointer) is what the administrator needs to read. */
  private static RegistryException refused(HttpResponse<String> r) {
    String detail = "";
    try {
      JsonNode p = JSON.readTree(r.body());
      detail = p.path("detail").asText(p.path("title").asText(""));
      JsonNode errors = p.path("errors");
      if (detail.isBlank() && errors.isArray() && !errors.isEmpty()) {
        JsonNode e = errors.get(0);
        String where = e.path("pointer").asText(e.path("field").asText(""));
        String why = e.path("reason").asText(e.path("detail").asText(""));
        if (!why.isEmpty()) {
          detail = where + ": " + why;
        }
      }
    } catch (IOException | RuntimeException e) {
      detail = "";
    }
    int s = r.statusCode();
    boolean whole = s == 401 || s == 403 || s >= 500;
    return new RegistryException("registry answered HTTP " + s + (detail.isBlank() ? "" : " (" + detail.strip() + ")"),
        whole);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
