package eu.panosc.keycloak.registration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Maps a Keycloak client to the federation-registry's {@code OidcClient} document, or says why it cannot be
 * registered. Pure: the same client always gives the same document (so a second registration finds it unchanged).
 */
public final class RegistryDocuments {
  /** The clients every Keycloak realm has; they are not the facility's services. */
  static final Set<String> BUILT_IN = Set.of("account", "account-console", "admin-cli", "broker",
      "realm-management", "security-admin-console");
  /** The registry's client id rule. */
  static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}");
  /** RFC 6749 §3.3 scope token. */
  static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");
  static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
  /** The document members this module writes; the others an administrator set in the registry are kept. */
  static final List<String> OWNED = List.of("clientId", "facility", "type", "grantTypes", "authMethod",
      "redirectUris", "scopes", "description");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryDocuments() {}

  /** Either the document or the reason it is skipped. */
  public record Mapped(ObjectNode document, String skipReason) {}

  public static Mapped map(String realm, String facility, RealmClient c) {
    if (BUILT_IN.contains(c.clientId()) || c.clientId().endsWith("-realm") && "master".equals(realm)) {
      return skip("a built-in Keycloak client");
    }
    if (!"openid-connect".equals(c.protocol())) {
      return skip("not an OpenID Connect client (protocol " + c.protocol() + ")");
    }
    if (!c.enabled()) {
      return skip("disabled");
    }
    if (c.bearerOnly()) {
      return skip("bearer-only: a resource server, not a client");
    }
    if (!CLIENT_ID.matcher(c.clientId()).matches()) {
      return skip("the registry's client ids are 3-64 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
    }
    List<String> grants = new ArrayList<>();
    if (c.standardFlow()) {
      grants.add("authorization_code");
      grants.add("refresh_token");
    }
    if (c.serviceAccounts() && !c.publicClient()) {
      grants.add("client_credentials");
    }
    if (c.deviceGrant()) {
      grants.add(DEVICE_CODE);
    }
    if (grants.isEmpty()) {
      return skip("no grant type the registry knows (standard flow, service accounts or device grant)");
    }
    String type;
    String method;
    if (c.publicClient()) {
      type = "public";
      method = "none";
    } else {
      type = grants.equals(List.of("client_credentials")) ? "service" : "confidential";
      String auth = c.authenticator() == null ? "client-secret" : c.authenticator();
      switch (auth) {
        case "client-secret" -> method = "client_secret_basic";
        case "client-jwt" -> {
          return skip("signed JWT (private_key_jwt) client: register it with its JWKS in the registry by hand");
        }
        default -> {
          return skip("client authenticator " + auth + " has no counterpart in the registry");
        }
      }
    }
    List<String> redirects = new ArrayList<>();
    for (String r : c.redirectUris()) {
      if (r.contains("*")) {
        return skip("wildcard redirect URI " + r + ": the registry matches redirect URIs exactly");
      }
      URI uri;
      try {
        uri = URI.create(r);
        if (!uri.isAbsolute()) {
          if (c.rootUrl() == null || c.rootUrl().isBlank()) {
            return skip("relative redirect URI " + r + " without a root URL");
          }
          uri = URI.create(c.rootUrl()).resolve(r);
        }
      } catch (IllegalArgumentException e) {
        return skip("redirect URI " + r + " is not a URL");
      }
      if (!redirects.contains(uri.toString())) {
        redirects.add(uri.toString());
      }
    }
    if (!c.standardFlow()) {
      redirects.clear();
    } else if (redirects.isEmpty()) {
      return skip("standard flow without a redirect URI");
    }
    Set<String> scopes = new TreeSet<>();
    if (c.standardFlow() || c.deviceGrant()) {
      scopes.add("openid");
    }
    c.clientScopes().stream().filter(s -> SCOPE.matcher(s).matches()).forEach(scopes::add);
    if (scopes.isEmpty()) {
      scopes.add("openid");
    }
    ObjectNode doc = JSON.createObjectNode();
    doc.put("clientId", c.clientId());
    doc.put("facility", facility);
    doc.put("type", type);
    ArrayNode g = doc.putArray("grantTypes");
    grants.forEach(g::add);
    doc.put("authMethod", method);
    ArrayNode r = doc.putArray("redirectUris");
    redirects.forEach(r::add);
    ArrayNode s = doc.putArray("scopes");
    scopes.stream().limit(50).forEach(s::add);
    String label = c.name() == null || c.name().isBlank() ? c.clientId() : c.name();
    String description = "Keycloak realm " + realm + ": " + label;
    doc.put("description", description.length() > 500 ? description.substring(0, 500) : description);
    return new Mapped(doc, null);
  }

  /** Whether the stored member already says what {@code wanted} says (only the members this module owns). */
  public static boolean same(ObjectNode stored, ObjectNode wanted) {
    for (String key : OWNED) {
      if (!java.util.Objects.equals(stored.get(key), wanted.get(key))) {
        return false;
      }
    }
    return true;
  }

  /** The document to PUT: what is stored (without the member's state fields), with this module's members replaced. */
  public static ObjectNode merged(ObjectNode stored, ObjectNode wanted) {
    ObjectNode out = stored.deepCopy();
    out.remove(List.of("state", "version", "createdAt", "updatedAt", "demo"));
    out.setAll(wanted);
    if (!"private_key_jwt".equals(wanted.path("authMethod").asText())) {
      out.remove("jwks");
    }
    boolean signsIn = false;
    for (var g : wanted.path("grantTypes")) {
      signsIn |= g.asText().equals("authorization_code");
    }
    if (!signsIn) {
      out.remove(List.of("postLogoutRedirectUris", "backchannelLogoutUri", "backchannelLogoutSessionRequired"));
      if (!wanted.toString().contains(DEVICE_CODE)) {
        out.remove("allowedUpstreams");
      }
    }
    return out;
  }

  private static Mapped skip(String reason) {
    return new Mapped(null, reason);
  }
}
