package eu.panosc.aai.registry;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the registry's member documents into typed records, checking each field the provider uses: a required field
 * that is missing, or any field of the wrong JSON type or an unknown value, is a {@link RegistryAnswerException}.
 * Fields added to the registry after a member was stored (redirect and logout URIs, signing algorithm) default as
 * the registry defaults them.
 */
public final class RegistryRecords {
  private RegistryRecords() {}

  /** An approved client document. */
  public static RegisteredClient client(JsonObject doc) {
    Reader r = new Reader(doc, "client");
    String clientId = r.required("clientId");
    r = new Reader(doc, "client " + clientId);
    JsonObject exchange = r.object("tokenExchange");
    List<String> exchangeAudiences = exchange == null ? List.of()
        : new Reader(exchange, "client " + clientId + " tokenExchange").strings("audiences", false);
    return new RegisteredClient(clientId, r.oneOf("type", RegisteredClient.TYPES, null), r.optional("facility"),
        r.strings("grantTypes", true), r.oneOf("authMethod", RegisteredClient.AUTH_METHODS, null),
        r.strings("redirectUris", false), r.strings("scopes", true), r.strings("postLogoutRedirectUris", false),
        r.oneOf("tokenSigningAlg", RegisteredClient.SIGNING_ALGS, "ES256"), r.optional("backchannelLogoutUri"),
        r.bool("backchannelLogoutSessionRequired"), r.optional("audience"), r.optional("description"),
        exchangeAudiences, r.strings("allowedUpstreams", false));
  }

  /** A client's credentials document. */
  public static ClientCredentials credentials(JsonObject doc) {
    Reader r = new Reader(doc, "client credentials");
    String clientId = r.required("clientId");
    r = new Reader(doc, "credentials of client " + clientId);
    JsonObject jwks = r.object("jwks");
    JWKSet keys = null;
    if (jwks != null) {
      try {
        keys = JWKSet.parse(jwks.encode());
      } catch (ParseException e) {
        throw new RegistryAnswerException("credentials of client " + clientId, "jwks", "is not a JWK Set");
      }
      if (keys.getKeys().stream().anyMatch(k -> k.isPrivate())) {
        throw new RegistryAnswerException("credentials of client " + clientId, "jwks", "holds a private key");
      }
    }
    return new ClientCredentials(clientId, r.oneOf("type", RegisteredClient.TYPES, null),
        r.oneOf("authMethod", RegisteredClient.AUTH_METHODS, null), r.optional("secretHash"), keys);
  }

  /** A facility document. */
  public static Facility facility(JsonObject doc) {
    Reader r = new Reader(doc, "facility");
    String id = r.required("id");
    r = new Reader(doc, "facility " + id);
    return new Facility(id, r.optional("name"), r.bool("releaseVopersonId"));
  }

  /** A resource server document. */
  public static ResourceServer resourceServer(JsonObject doc) {
    Reader r = new Reader(doc, "resource server");
    String audience = r.required("audience");
    r = new Reader(doc, "resource server " + audience);
    return new ResourceServer(audience, r.optional("facility"), r.strings("scopes", false));
  }

  /** An upstream IdP document; its trusted entitlement authorities in lower case. */
  public static UpstreamIdp upstreamIdp(JsonObject doc) {
    Reader r = new Reader(doc, "upstream IdP");
    String id = r.required("id");
    r = new Reader(doc, "upstream IdP " + id);
    Set<String> authorities = new java.util.LinkedHashSet<>();
    for (String a : r.strings("trustedEntitlementAuthorities", false)) {
      if (!eu.panosc.platform.input.Input.isClean(a, 253)) {
        throw r.invalid("trustedEntitlementAuthorities", "must be domain names");
      }
      authorities.add(a.toLowerCase(java.util.Locale.ROOT));
    }
    String protocol = r.oneOf("protocol", UpstreamIdp.PROTOCOLS, null);
    String displayName = r.optional("displayName");
    if (displayName != null && !eu.panosc.platform.input.Input.isClean(displayName, 256)) {
      throw r.invalid("displayName", "must be text of at most 256 characters");
    }
    java.util.Optional<UpstreamIdp.RelyingParty> rp = java.util.Optional.empty();
    String clientId = r.optional("clientId");
    if ("oidc".equals(protocol) && clientId != null) {
      if (!eu.panosc.platform.input.Input.isClean(clientId, 255)) {
        throw r.invalid("clientId", "must be text of at most 255 characters");
      }
      String credentialsRef = r.optional("credentialsRef");
      if (credentialsRef != null && !eu.panosc.platform.input.Input.isClean(credentialsRef, 210)) {
        throw r.invalid("credentialsRef", "must be a reference such as secret/<name>");
      }
      List<String> scopes = r.strings("scopes", false);
      for (String s : scopes) {
        if (!s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
          throw r.invalid("scopes", "must be OAuth scopes");
        }
      }
      String trustAnchor = r.optional("trustAnchor");
      rp = java.util.Optional.of(new UpstreamIdp.RelyingParty(r.url("issuer"), clientId, r.oneOf("clientAuth",
          UpstreamIdp.CLIENT_AUTH, credentialsRef == null ? "private_key_jwt" : "client_secret_basic"),
          java.util.Optional.ofNullable(credentialsRef), scopes, trustAnchor == null ? java.util.Optional.empty()
              : java.util.Optional.of(r.url("trustAnchor"))));
    }
    return new UpstreamIdp(id, protocol, authorities, java.util.Optional.ofNullable(displayName), rp);
  }

  /** Typed reads of one document's fields; errors name the member and field, never a value. */
  private record Reader(JsonObject doc, String member) {
    Reader {
      if (doc == null) {
        throw new RegistryAnswerException(member, "document", "is not a JSON object");
      }
    }

    RegistryAnswerException invalid(String field, String reason) {
      return new RegistryAnswerException(member, field, reason);
    }

    String optional(String field) {
      Object v = doc.getValue(field);
      if (v == null) {
        return null;
      }
      if (!(v instanceof String s) || s.isEmpty()) {
        throw invalid(field, "must be a non-empty string");
      }
      return s;
    }

    String required(String field) {
      String v = optional(field);
      if (v == null) {
        throw invalid(field, "is missing");
      }
      return v;
    }

    String oneOf(String field, Set<String> allowed, String absent) {
      String v = absent == null ? required(field) : optional(field);
      if (v == null) {
        return absent;
      }
      if (!allowed.contains(v)) {
        throw invalid(field, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
      }
      return v;
    }

    /** A required absolute http(s) URL without fragment. */
    java.net.URI url(String field) {
      String v = required(field);
      try {
        java.net.URI u = new java.net.URI(v);
        if (u.getHost() == null || u.getRawFragment() != null || !("https".equals(u.getScheme())
            || "http".equals(u.getScheme()))) {
          throw invalid(field, "must be an http(s) URL");
        }
        return u;
      } catch (java.net.URISyntaxException e) {
        throw invalid(field, "must be an http(s) URL");
      }
    }

    boolean bool(String field) {
      Object v = doc.getValue(field);
      if (v == null) {
        return false;
      }
      if (!(v instanceof Boolean b)) {
        throw invalid(field, "must be true or false");
      }
      return b;
    }

    JsonObject object(String field) {
      Object v = doc.getValue(field);
      if (v == null) {
        return null;
      }
      if (!(v instanceof JsonObject o)) {
        throw invalid(field, "must be an object");
      }
      return o;
    }

    /** An array of non-empty strings; absent is empty unless {@code required}. */
    List<String> strings(String field, boolean required) {
      Object v = doc.getValue(field);
      if (v == null) {
        if (required) {
          throw invalid(field, "is missing");
        }
        return List.of();
      }
      if (!(v instanceof JsonArray a)) {
        throw invalid(field, "must be an array of strings");
      }
      List<String> out = new ArrayList<>(a.size());
      for (Object o : a) {
        if (!(o instanceof String s) || s.isEmpty()) {
          throw invalid(field, "must be an array of strings");
        }
        out.add(s);
      }
      return out;
    }
  }
}
