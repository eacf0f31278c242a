package eu.panosc.registry.model;

import eu.panosc.platform.auth.ClientSecrets;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.mesh.RouteRule;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns an admin request body into a {@link MemberDraft}: every field checked, unknown fields
 * rejected, the stored document canonical. Errors are problem+json naming the field.
 */
public final class MemberValidator {
  static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{1,31}");
  static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}");
  static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}");
  static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  static final Pattern CREDENTIALS_REF = Pattern.compile("(secret|vault)/[A-Za-z0-9._/-]{1,200}");
  static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  static final Pattern INSTRUMENT = Pattern.compile("[a-z0-9-]+:[a-z0-9._-]{1,64}");
  static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9.-]{1,253}");
  static final Pattern CLIENT_AUTH = Pattern.compile("client_secret_basic|client_secret_post|private_key_jwt");

  static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token", "client_credentials",
      "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange");

  /** Client type: public (no secret), confidential (a web app), service (machine to machine). */
  public enum ClientType {
    PUBLIC, CONFIDENTIAL, SERVICE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * How the provider signs the client's access and ID tokens (and logout tokens): ES256 by default, RS256 for
   * software that cannot verify ECDSA.
   */
  public enum SigningAlg {
    ES256, RS256;

    @Override
    public String toString() {
      return name();
    }
  }

  /** Client authentication at the token endpoint. */
  public enum AuthMethod {
    NONE("none"), CLIENT_SECRET_BASIC("client_secret_basic"), CLIENT_SECRET_POST("client_secret_post"),
    PRIVATE_KEY_JWT("private_key_jwt");

    private final String value;

    AuthMethod(String value) {
      this.value = value;
    }

    @Override
    public String toString() {
      return value;
    }
  }

  enum Protocol {
    SAML, OIDC;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final boolean demo;
  private final Function<String, JsonObject> samlMetadata;

  /**
   * @param demo whether http://localhost redirect and API URLs are accepted
   * @param samlMetadata parses and validates an EntityDescriptor's XML into {@code {entityID, roles, ...}},
   *     throwing an {@link eu.panosc.platform.input.InvalidInputException} naming the field (a 400 at the endpoint)
   */
  public MemberValidator(boolean demo, Function<String, JsonObject> samlMetadata) {
    this.demo = demo;
    this.samlMetadata = Objects.requireNonNull(samlMetadata, "samlMetadata");
  }

  public MemberDraft validate(MemberKind kind, JsonObject body) {
    return switch (kind) {
      case FACILITY -> facility(body);
      case OIDC_CLIENT -> client(body);
      case RESOURCE_SERVER -> resourceServer(body);
      case SAML_ENTITY -> samlEntity(body);
      case UPSTREAM_IDP -> upstreamIdp(body);
      case CLUSTER -> cluster(body);
    };
  }

  MemberDraft facility(JsonObject body) {
    Fields f = Fields.of(body);
    String id = f.requiredString("id", SLUG, "a lowercase slug such as esrf (2-32 characters)");
    JsonObject doc = new JsonObject().put("id", id)
        .put("name", f.text("name", 200, true))
        .put("country", f.requiredString("country", COUNTRY, "an ISO 3166-1 alpha-2 code such as FR"))
        .put("embargoYears", f.integer("embargoYears", 3, 0, 20))
        // the facility's policy: may its clients receive the user's federation-wide identifier (voperson_id)?
        .put("releaseVopersonId", f.bool("releaseVopersonId", false));
    JsonArray instruments = new JsonArray();
    JsonArray in = f.array("instruments");
    for (int i = 0; i < in.size(); i++) {
      if (!(in.getValue(i) instanceof JsonObject o)) {
        throw Fields.invalid("/instruments/" + i, "must be an object");
      }
      Fields fi = new Fields(o, "/instruments/" + i);
      String iid = fi.requiredString("id", INSTRUMENT, "'<facility>:<name>' in lowercase, e.g. esrf:id19");
      if (!iid.startsWith(id + ":")) {
        throw Fields.invalid("/instruments/" + i + "/id", "must start with the facility id '" + id + ":'");
      }
      instruments.add(new JsonObject().put("id", iid).put("name", fi.text("name", 100, true))
          .put("technique", fi.text("technique", 200, false)));
      fi.rejectUnknown();
    }
    doc.put("instruments", instruments);
    f.rejectUnknown();
    return new MemberDraft(MemberKind.FACILITY, id, null, doc, null, null);
  }

  /** The device authorization grant, a way of signing users in like authorization_code. */
  private static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

  /**
   * {@code allowedUpstreams}: the aai-broker upstreams (ids as in {@code services.aai.upstreams}, e.g. {@code umbrellaid},
   * and {@code demo} for the demo form) a client's users may sign in through; absent or empty: every upstream. Each an id
   * of 2-32 characters a-z 0-9 -, at most 20, none twice (the
   * list check refuses duplicates).
   */
  private static List<String> allowedUpstreams(Fields f) {
    return f.strings("allowedUpstreams", SLUG, "an upstream id (2-32 characters a-z 0-9 -)", false, 20);
  }

  MemberDraft client(JsonObject body) {
    Fields f = Fields.of(body);
    String clientId = f.requiredString("clientId", CLIENT_ID, "3-64 characters of A-Z a-z 0-9 . _ -");
    String facility = f.optionalString("facility", SLUG, "a facility id");
    ClientType type = f.enumValue("type", ClientType.class, null);
    List<String> grants = f.strings("grantTypes", null, "a grant type", true, 10);
    for (int i = 0; i < grants.size(); i++) {
      if (!GRANT_TYPES.contains(grants.get(i))) {
        throw Fields.invalid("/grantTypes/" + i, "must be one of " + String.join(", ", GRANT_TYPES.stream().sorted().toList()));
      }
    }
    AuthMethod method = f.enumValue("authMethod", AuthMethod.class,
        type == ClientType.PUBLIC ? AuthMethod.NONE : AuthMethod.CLIENT_SECRET_BASIC);
    List<String> redirects = f.strings("redirectUris", null, "an absolute URL", false, 20);
    for (int i = 0; i < redirects.size(); i++) {
      Fields.checkUrl("/redirectUris/" + i, redirects.get(i), demo);
    }
    List<String> scopes = f.strings("scopes", SCOPE, "a scope token (RFC 6749 §3.3)", true, 50);
    // OpenID Connect RP-Initiated Logout 1.0 §3.1 and Back-Channel Logout 1.0 §2.2
    List<String> postLogout = f.strings("postLogoutRedirectUris", null, "an absolute URL", false, 20);
    for (int i = 0; i < postLogout.size(); i++) {
      Fields.checkUrl("/postLogoutRedirectUris/" + i, postLogout.get(i), demo);
    }
    var backchannel = f.url("backchannelLogoutUri", false, demo);
    SigningAlg signingAlg = f.enumValue("tokenSigningAlg", SigningAlg.class, SigningAlg.ES256);
    boolean backchannelSession = f.bool("backchannelLogoutSessionRequired", false);
    JsonObject jwks = f.object("jwks", false);
    var audience = f.url("audience", false, demo);
    String description = f.text("description", 500, false);
    JsonObject federation = federation(f);
    List<String> allowedUpstreams = allowedUpstreams(f);
    JsonObject exchangeIn = f.object("tokenExchange", false);
    JsonObject exchange = null;
    if (exchangeIn != null) {
      Fields fx = new Fields(exchangeIn, "/tokenExchange");
      List<String> targets = fx.strings("audiences", null, "an absolute URL", true, 50);
      for (int i = 0; i < targets.size(); i++) {
        Fields.checkUrl("/tokenExchange/audiences/" + i, targets.get(i), demo);
      }
      fx.rejectUnknown();
      if (!grants.contains("urn:ietf:params:oauth:grant-type:token-exchange")) {
        throw Fields.invalid("/tokenExchange", "needs the grant type urn:ietf:params:oauth:grant-type:token-exchange");
      }
      exchange = new JsonObject().put("audiences", new JsonArray(targets));
    }
    f.rejectUnknown();

    if (type == ClientType.PUBLIC) {
      if (method != AuthMethod.NONE) {
        throw Fields.invalid("/authMethod", "must be none for a public client (it cannot keep a secret)");
      }
      if (grants.contains("client_credentials") || grants.contains("urn:ietf:params:oauth:grant-type:token-exchange")) {
        throw Fields.invalid("/grantTypes", "client_credentials and token-exchange need a confidential client");
      }
    } else if (method == AuthMethod.NONE) {
      throw Fields.invalid("/authMethod", "a " + type + " client must authenticate: client_secret_basic, "
          + "client_secret_post or private_key_jwt");
    }
    if (type == ClientType.SERVICE && !grants.equals(List.of("client_credentials"))
        && !grants.stream().allMatch(g -> g.equals("client_credentials") || g.endsWith("token-exchange"))) {
      throw Fields.invalid("/grantTypes", "a service client uses client_credentials (and token-exchange) only");
    }
    if (grants.contains("authorization_code") && redirects.isEmpty()) {
      throw Fields.invalid("/redirectUris", "at least one is required for authorization_code");
    }
    boolean logsUsersIn = grants.contains("authorization_code");
    if (!postLogout.isEmpty() && !logsUsersIn) {
      throw Fields.invalid("/postLogoutRedirectUris", "only a client that signs users in (authorization_code) logs them out");
    }
    if (backchannel != null && !logsUsersIn) {
      throw Fields.invalid("/backchannelLogoutUri", "only a client that signs users in (authorization_code) gets logout tokens");
    }
    if (!allowedUpstreams.isEmpty() && !logsUsersIn && !grants.contains(DEVICE_CODE)) {
      throw Fields.invalid("/allowedUpstreams", "only a client that signs users in (authorization_code or device_code) "
          + "chooses their identity providers");
    }
    if (backchannelSession && backchannel == null) {
      throw Fields.invalid("/backchannelLogoutSessionRequired", "needs a backchannelLogoutUri");
    }
    if (method == AuthMethod.PRIVATE_KEY_JWT) {
      if (jwks == null) {
        throw Fields.invalid("/jwks", "is required for private_key_jwt");
      }
      checkPublicJwks("/jwks", jwks);
    } else if (jwks != null) {
      throw Fields.invalid("/jwks", "is only used with private_key_jwt");
    }
    JsonObject doc = new JsonObject().put("clientId", clientId).put("facility", facility)
        .put("type", type.toString()).put("grantTypes", new JsonArray(grants)).put("authMethod", method.toString())
        .put("redirectUris", new JsonArray(redirects)).put("scopes", new JsonArray(scopes))
        .put("postLogoutRedirectUris", new JsonArray(postLogout)).put("tokenSigningAlg", signingAlg.toString());
    if (backchannel != null) {
      doc.put("backchannelLogoutUri", backchannel.toString())
          .put("backchannelLogoutSessionRequired", backchannelSession);
    }
    if (jwks != null) {
      doc.put("jwks", jwks);
    }
    if (!allowedUpstreams.isEmpty()) {
      doc.put("allowedUpstreams", new JsonArray(allowedUpstreams));
    }
    if (audience != null) {
      doc.put("audience", audience.toString());
    }
    if (description != null) {
      doc.put("description", description);
    }
    if (federation != null) {
      doc.put("federation", federation);
    }
    if (exchange != null) {
      doc.put("tokenExchange", exchange);
    }
    boolean needsSecret = method == AuthMethod.CLIENT_SECRET_BASIC || method == AuthMethod.CLIENT_SECRET_POST;
    String secret = needsSecret ? ClientSecrets.generate() : null;
    return new MemberDraft(MemberKind.OIDC_CLIENT, clientId, facility, doc,
        secret == null ? null : ClientSecrets.hash(secret), secret);
  }

  MemberDraft resourceServer(JsonObject body) {
    Fields f = Fields.of(body);
    var audience = f.url("audience", true, demo);
    String facility = f.optionalString("facility", SLUG, "a facility id");
    List<String> scopes = f.strings("scopes", SCOPE, "a scope token (RFC 6749 §3.3)", false, 50);
    String description = f.text("description", 500, false);
    JsonObject federation = federation(f);
    JsonArray routeRules = routeRules(f);
    f.rejectUnknown();
    JsonObject doc = new JsonObject().put("audience", audience.toString()).put("facility", facility)
        .put("scopes", new JsonArray(scopes));
    if (description != null) {
      doc.put("description", description);
    }
    if (!routeRules.isEmpty()) {
      doc.put("routeRules", routeRules);
    }
    if (federation != null) {
      doc.put("federation", federation);
    }
    return new MemberDraft(MemberKind.RESOURCE_SERVER, audience.toString(), facility, doc, null, null);
  }

  /**
   * A resource server's route rules (issue 15, read by the PDP's forward-auth): an ordered list of
   * {@code {methods, path, action, resource {type, id}, public}}, each checked by the platform's
   * {@link RouteRule#parse} (templates parsed, referenced variables exist, bounded sizes); stored canonical.
   */
  static JsonArray routeRules(Fields f) {
    JsonArray in = f.array("routeRules");
    if (in.size() > RouteRule.MAX_RULES) {
      throw Fields.invalid("/routeRules", "must have at most " + RouteRule.MAX_RULES + " rules");
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < in.size(); i++) {
      String at = "/routeRules/" + i;
      if (!(in.getValue(i) instanceof JsonObject o)) {
        throw Fields.invalid(at, "must be an object");
      }
      Fields fr = new Fields(o, at);
      List<String> methods = fr.strings("methods", null, "an HTTP method", false, 16);
      String path = fr.optionalString("path", null, null);
      String action = fr.optionalString("action", null, null);
      JsonObject resource = fr.object("resource", false);
      boolean isPublic = fr.bool("public", false);
      String type = null;
      String id = null;
      if (resource != null) {
        Fields res = new Fields(resource, at + "/resource");
        type = res.optionalString("type", null, null);
        id = res.optionalString("id", null, null);
        res.rejectUnknown();
      }
      fr.rejectUnknown();
      RouteRule rule;
      try {
        rule = RouteRule.parse(at, methods, path, action, type, id, isPublic);
      } catch (InvalidInputException e) {
        throw Fields.invalid(e.field(), e.reason());
      }
      JsonObject stored = new JsonObject().put("methods", new JsonArray(rule.methods())).put("path", rule.path());
      if (rule.action() != null) {
        stored.put("action", rule.action())
            .put("resource", new JsonObject().put("type", rule.resourceType()).put("id", rule.resourceId()));
      }
      out.add(stored.put("public", rule.isPublic()));
    }
    return out;
  }

  MemberDraft samlEntity(JsonObject body) {
    Fields f = Fields.of(body);
    String xml = f.document("metadata", 1_000_000);
    String facility = f.optionalString("facility", SLUG, "a facility id");
    f.rejectUnknown();
    JsonObject parsed = samlMetadata.apply(xml);
    JsonObject doc = parsed.copy().put("facility", facility).put("metadata", xml);
    return new MemberDraft(MemberKind.SAML_ENTITY, parsed.getString("entityID"), facility, doc, null, null);
  }

  MemberDraft upstreamIdp(JsonObject body) {
    Fields f = Fields.of(body);
    String id = f.requiredString("id", SLUG, "a lowercase slug such as umbrellaid");
    Protocol protocol = f.enumValue("protocol", Protocol.class, null);
    String name = f.text("displayName", 200, false);
    var metadataUrl = f.url("metadataUrl", false, demo);
    var issuer = f.url("issuer", false, demo);
    String cert = body.getValue("signingCertificate") == null ? null : f.document("signingCertificate", 20_000);
    List<String> authorities = f.strings("trustedEntitlementAuthorities", AUTHORITY, "a domain such as eduteams.org",
        false, 20);
    // OpenID Connect only: how the aai-broker signs in at the OP as a relying party (its secret stays with the broker)
    String clientId = f.text("clientId", 255, false);
    String clientAuth = f.optionalString("clientAuth", CLIENT_AUTH, "client_secret_basic, client_secret_post or "
        + "private_key_jwt");
    String credentialsRef = f.optionalString("credentialsRef", CREDENTIALS_REF, "a reference such as "
        + "secret/eduteams-client (never the secret itself)");
    List<String> scopes = f.strings("scopes", SCOPE, "an OAuth scope", false, 20);
    var trustAnchor = f.url("trustAnchor", false, demo);
    f.rejectUnknown();
    if (protocol == Protocol.SAML) {
      for (String oidcOnly : List.of("clientId", "clientAuth", "credentialsRef", "scopes", "trustAnchor")) {
        if (body.getValue(oidcOnly) != null) {
          throw Fields.invalid("/" + oidcOnly, "is only for an OpenID Connect provider");
        }
      }
    } else {
      if (clientId == null && (clientAuth != null || credentialsRef != null || !scopes.isEmpty())) {
        throw Fields.invalid("/clientId", "is required with clientAuth, credentialsRef or scopes (the aai-broker's "
            + "client id at the OP)");
      }
      String auth = clientAuth != null ? clientAuth : credentialsRef != null ? "client_secret_basic"
          : "private_key_jwt";
      if (clientId != null && !"private_key_jwt".equals(auth) && credentialsRef == null) {
        throw Fields.invalid("/credentialsRef", "is required for " + auth + " (the reference to the client secret "
            + "the aai-broker holds)");
      }
      if ("private_key_jwt".equals(auth) && credentialsRef != null) {
        throw Fields.invalid("/credentialsRef", "is not used with private_key_jwt (the aai-broker signs with its own "
            + "keys)");
      }
      if (trustAnchor != null && (trustAnchor.getRawQuery() != null || trustAnchor.toString().equals(
          issuerOrNull(body)))) {
        throw Fields.invalid("/trustAnchor", "must be an Entity Identifier without query, other than the issuer");
      }
      clientAuth = clientId == null ? null : auth;
    }
    if (protocol == Protocol.SAML) {
      if (metadataUrl == null) {
        throw Fields.invalid("/metadataUrl", "is required for a SAML identity provider");
      }
      if (cert == null) {
        throw Fields.invalid("/signingCertificate", "is required for a SAML identity provider (pinned, PEM)");
      }
    } else if (issuer == null) {
      throw Fields.invalid("/issuer", "is required for an OpenID Connect provider");
    }
    if (cert != null) {
      Certificates.parsePem("/signingCertificate", cert);
    }
    JsonObject doc = new JsonObject().put("id", id).put("protocol", protocol.toString())
        .put("displayName", name).put("metadataUrl", metadataUrl == null ? null : metadataUrl.toString())
        .put("issuer", issuer == null ? null : issuer.toString()).put("signingCertificate", cert)
        .put("trustedEntitlementAuthorities", new JsonArray(authorities));
    if (clientId != null) {
      doc.put("clientId", clientId).put("clientAuth", clientAuth);
      if (credentialsRef != null) {
        doc.put("credentialsRef", credentialsRef);
      }
      if (!scopes.isEmpty()) {
        doc.put("scopes", new JsonArray(scopes));
      }
    }
    if (trustAnchor != null) {
      doc.put("trustAnchor", trustAnchor.toString());
    }
    return new MemberDraft(MemberKind.UPSTREAM_IDP, id, null, doc, null, null);
  }

  private static String issuerOrNull(JsonObject body) {
    return body.getValue("issuer") instanceof String s ? s : null;
  }

  MemberDraft cluster(JsonObject body) {
    Fields f = Fields.of(body);
    String id = f.requiredString("id", SLUG, "a lowercase slug such as esrf-k8s");
    String facility = f.optionalString("facility", SLUG, "a facility id");
    var api = f.url("apiUrl", true, demo);
    String credentialsRef = f.requiredString("credentialsRef", CREDENTIALS_REF,
        "a reference such as secret/esrf-k8s-kubeconfig (never the credentials themselves)");
    for (String segment : credentialsRef.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw Fields.invalid("/credentialsRef", "a reference's path has no empty, \".\" or \"..\" segments"
            + " (such as secret/esrf-k8s-kubeconfig)");
      }
    }
    JsonObject capacityIn = f.object("capacity", true);
    Fields c = new Fields(capacityIn, "/capacity");
    JsonObject capacity = new JsonObject().put("cpu", c.integer("cpu", 0, 1, 1_000_000))
        .put("memoryGi", c.integer("memoryGi", 0, 1, 100_000_000)).put("gpu", c.integer("gpu", 0, 0, 100_000));
    if (capacity.getInteger("cpu") == 0 || capacity.getInteger("memoryGi") == 0) {
      throw Fields.invalid("/capacity", "needs cpu and memoryGi");
    }
    c.rejectUnknown();
    List<String> sites = f.strings("storageSites", SLUG, "a storage site id", false, 50);
    JsonObject labelsIn = f.object("labels", false);
    JsonObject labels = new JsonObject();
    if (labelsIn != null) {
      for (String k : labelsIn.fieldNames()) {
        Object v = labelsIn.getValue(k);
        if (!LABEL_KEY.matcher(k).matches()) {
          throw Fields.invalid("/labels/" + k, "is not a valid Kubernetes label key");
        }
        if (!(v instanceof String s) || !LABEL_VALUE.matcher(s).matches()) {
          throw Fields.invalid("/labels/" + k, "must be a Kubernetes label value (a string of at most 63 characters)");
        }
        labels.put(k, v);
      }
    }
    f.rejectUnknown();
    JsonObject doc = new JsonObject().put("id", id).put("facility", facility).put("apiUrl", api.toString())
        .put("credentialsRef", credentialsRef).put("capacity", capacity).put("storageSites", new JsonArray(sites))
        .put("labels", labels);
    return new MemberDraft(MemberKind.CLUSTER, id, facility, doc, null, null);
  }

  private JsonObject federation(Fields f) {
    JsonObject in = f.object("federation", false);
    if (in == null) {
      return null;
    }
    Fields fe = new Fields(in, "/federation");
    var entityId = fe.url("entityId", true, demo);
    // OIDF 1.0 §1.2: an Entity Identifier is a URL with https scheme, host and optional path, no query or fragment
    if (entityId.getRawQuery() != null || entityId.getRawFragment() != null) {
      throw Fields.invalid("/federation/entityId", "must not have a query or fragment (OpenID Federation 1.0 §1.2)");
    }
    boolean hosted = fe.bool("hostsEntityConfiguration", false);
    JsonObject jwks = fe.object("jwks", true);
    checkPublicJwks("/federation/jwks", jwks);
    JsonObject policy = fe.object("metadataPolicy", false);
    fe.rejectUnknown();
    if (policy != null) {
      try {
        eu.panosc.registry.oidfed.policy.MetadataPolicies.validate(policy);
      } catch (eu.panosc.registry.oidfed.policy.PolicyException e) {
        throw Fields.invalid("/federation/metadataPolicy", e.getMessage());
      }
    }
    return new JsonObject().put("entityId", entityId.toString()).put("hostsEntityConfiguration", hosted)
        .put("jwks", jwks).put("metadataPolicy", policy == null ? new JsonObject() : policy);
  }

  /** The most keys a JWK Set given to the registry may hold (current, next and a retiring key, per use). */
  static final int MAX_KEYS = 10;
  /** RSA keys shorter than this are refused (NIST SP 800-131A). */
  static final int MIN_RSA_BITS = 2048;

  /**
   * A JWK Set of public signing keys: each with a unique {@code kid}, no private or symmetric key, no
   * {@code use} other than {@code sig}, no {@code alg} of {@code none} or an HMAC, RSA of at least 2048 bits.
   */
  static void checkPublicJwks(String field, JsonObject jwks) {
    JWKSet set;
    try {
      set = JWKSet.parse(jwks.encode());
    } catch (ParseException e) {
      throw Fields.invalid(field, "is not a valid JWK Set: " + e.getMessage());
    }
    if (set.getKeys().isEmpty()) {
      throw Fields.invalid(field, "must contain at least one key");
    }
    if (set.getKeys().size() > MAX_KEYS) {
      throw Fields.invalid(field, "must contain at most " + MAX_KEYS + " keys");
    }
    Set<String> kids = new java.util.HashSet<>();
    for (int i = 0; i < set.getKeys().size(); i++) {
      JWK k = set.getKeys().get(i);
      String at = field + "/keys/" + i;
      if (k.isPrivate() || k.getKeyType().getValue().equals("oct")) {
        throw Fields.invalid(at, "must be a public key (key " + k.getKeyID() + " is private or symmetric)");
      }
      if (k.getKeyID() == null) {
        throw Fields.invalid(at, "needs a kid; every key needs one");
      }
      // RFC 7517 §4.5: kids distinguish keys within a set; a verifier picking by kid must find one key
      if (!kids.add(k.getKeyID())) {
        throw Fields.invalid(at + "/kid", "repeats the kid '" + k.getKeyID() + "' of an earlier key");
      }
      if (k.getKeyUse() != null && !com.nimbusds.jose.jwk.KeyUse.SIGNATURE.equals(k.getKeyUse())) {
        throw Fields.invalid(at + "/use", "must be sig: these keys verify signatures");
      }
      if (k.getAlgorithm() != null) {
        String alg = k.getAlgorithm().getName();
        if ("none".equalsIgnoreCase(alg) || alg.toUpperCase(Locale.ROOT).startsWith("HS")
            || !com.nimbusds.jose.JWSAlgorithm.Family.SIGNATURE.contains(com.nimbusds.jose.JWSAlgorithm.parse(alg))) {
          throw Fields.invalid(at + "/alg", "must be an asymmetric signature algorithm (RS*, PS*, ES*, EdDSA), not "
              + alg);
        }
      }
      if (k instanceof com.nimbusds.jose.jwk.RSAKey rsa && rsa.size() < MIN_RSA_BITS) {
        throw Fields.invalid(at, "is an RSA key of " + rsa.size() + " bits; at least " + MIN_RSA_BITS
            + " are required");
      }
    }
  }
}
