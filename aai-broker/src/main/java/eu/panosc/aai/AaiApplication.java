package eu.panosc.aai;

import eu.panosc.aai.account.AccountEndpoint;
import eu.panosc.aai.account.AccountService;
import eu.panosc.aai.account.Identities;
import eu.panosc.aai.account.PgIdentities;
import eu.panosc.aai.account.ResolvingConnector;
import eu.panosc.aai.discovery.Catalogs;
import eu.panosc.aai.discovery.IdpDiscoveryEndpoint;
import eu.panosc.aai.discovery.DiscoveryPage;
import eu.panosc.aai.discovery.UpstreamCatalog;
import eu.panosc.aai.authorize.AuthorizationRequestParser;
import eu.panosc.aai.authorize.AuthorizationService;
import eu.panosc.aai.authorize.AuthorizeEndpoint;
import eu.panosc.aai.authorize.PushedAuthorizationEndpoint;
import eu.panosc.aai.device.DeviceFlow;
import eu.panosc.aai.logout.BackChannelLogout;
import eu.panosc.aai.logout.LogoutEndpoint;
import eu.panosc.aai.logout.SessionLogout;
import eu.panosc.aai.oauth.AuthorizationCodeGrant;
import eu.panosc.aai.oauth.ClientAssertions;
import eu.panosc.aai.oauth.ClientAuthenticator;
import eu.panosc.aai.oauth.ClientCredentialsGrant;
import eu.panosc.aai.oauth.DiscoveryEndpoint;
import eu.panosc.aai.oauth.RefreshTokenGrant;
import eu.panosc.aai.oauth.TokenEndpoint;
import eu.panosc.aai.oauth.TokenExchangeGrant;
import eu.panosc.aai.oauth.UserInfoEndpoint;
import eu.panosc.aai.oidc.OidcEndpoints;
import eu.panosc.aai.oidc.OidcFlows;
import eu.panosc.aai.oidc.OidcLogin;
import eu.panosc.aai.oidc.OidcLogout;
import eu.panosc.aai.oidc.OidcProvider;
import eu.panosc.aai.oidc.OidcSession;
import eu.panosc.aai.oidc.OidcUpstream;
import eu.panosc.aai.oidc.OidcUpstreamSettings;
import eu.panosc.aai.oidc.OidcUpstreams;
import eu.panosc.aai.oidc.RegistryOidcUpstreams;
import eu.panosc.aai.oidc.RegistryUpstreamSettings;
import eu.panosc.aai.oidc.UpstreamSecrets;
import eu.panosc.aai.oidc.PgOidcFlows;
import eu.panosc.aai.oidc.PgOidcSessions;
import eu.panosc.aai.oidc.UpstreamAccessTokens;
import eu.panosc.aai.resolve.SubjectResolutionEndpoint;
import eu.panosc.aai.saml.idp.DemoIdp;
import eu.panosc.aai.saml.idp.DemoIdpEndpoint;
import eu.panosc.aai.logout.UpstreamLogout;
import eu.panosc.aai.saml.slo.PgSamlSessions;
import eu.panosc.aai.saml.slo.SamlSessions;
import eu.panosc.aai.saml.slo.SingleLogout;
import eu.panosc.aai.saml.slo.SingleLogoutEndpoint;
import eu.panosc.aai.saml.sp.SamlSubject;
import eu.panosc.aai.register.TermsOfUse;
import eu.panosc.aai.saml.sp.SamlKeyType;
import eu.panosc.aai.saml.sp.AuthnRequests;
import eu.panosc.aai.saml.sp.PgSamlFlows;
import eu.panosc.aai.saml.xml.SamlXml;
import eu.panosc.aai.saml.sp.SamlFlows;
import eu.panosc.aai.saml.sp.SamlKeys;
import eu.panosc.aai.saml.sp.SamlLogin;
import eu.panosc.aai.saml.sp.SamlUpstream;
import eu.panosc.aai.saml.sp.UpstreamAuthorities;
import eu.panosc.aai.registry.UpstreamIdp;
import eu.panosc.aai.saml.metadata.HttpMetadataFetcher;
import eu.panosc.aai.saml.metadata.IdpMetadata;
import eu.panosc.aai.saml.metadata.IdpMetadataSource;
import eu.panosc.aai.saml.metadata.MetadataRefusedException;
import eu.panosc.aai.saml.metadata.MetadataSettings;
import eu.panosc.aai.registry.SpRegistration;
import eu.panosc.aai.saml.validate.PgReplayCache;
import eu.panosc.aai.saml.validate.ReplayCache;
import eu.panosc.aai.saml.validate.SamlResponseConsumer;
import eu.panosc.aai.saml.validate.SamlResponseValidator;
import eu.panosc.aai.saml.sp.SpEndpoints;
import eu.panosc.aai.saml.sp.SpMetadata;
import eu.panosc.aai.saml.sp.SpMetadataEndpoint;
import eu.panosc.aai.attributes.AttributeMapper;
import eu.panosc.aai.attributes.IdentityAttributes;
import eu.panosc.aai.attributes.RequestedSamlAttribute;
import eu.panosc.aai.attributes.UpstreamAttributeSettings;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.aai.attributes.identity.UserIdSource;
import eu.panosc.aai.attributes.yaml.YamlReader;
import com.nimbusds.jose.jwk.KeyUse;
import eu.panosc.aai.token.AccessTokens;
import eu.panosc.aai.token.IdTokens;
import eu.panosc.aai.token.JwtSigner;
import eu.panosc.aai.token.RateLimiter;
import eu.panosc.aai.token.ServiceAudiences;
import eu.panosc.aai.token.TokenCustomizer;
import eu.panosc.aai.token.UserTokenIssuer;
import eu.panosc.aai.user.DemoConnector;
import eu.panosc.aai.user.PairwiseSubjects;
import eu.panosc.aai.user.PasswordConnector;
import eu.panosc.aai.federation.DemoFederationKey;
import eu.panosc.aai.federation.EntityConfiguration;
import eu.panosc.aai.federation.EntityConfigurationEndpoint;
import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.KeyEncryptionKeys;
import eu.panosc.platform.keys.SigningKeys;
import io.vertx.core.json.JsonObject;
import eu.panosc.platform.demo.DemoFederation;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import eu.panosc.aai.registry.RegistryClient;
import eu.panosc.platform.keys.PgKeyStorage;
import eu.panosc.platform.keys.RotatingSigningKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of the aai-broker, mounted at {@code /aai}: the OAuth 2.0 / OpenID provider that
 * issues per-facility and service-to-service tokens. Clients come from the federation-registry; the
 * provider reads them with a token it issues to itself.
 */
public final class AaiApplication implements ServiceModule {
  private static final Logger LOG = LoggerFactory.getLogger(AaiApplication.class);
  /** The registry scopes the provider grants itself to look up clients. */
  static final Set<String> SELF_SCOPES = Set.of("registry:read", "registry:credentials");
  /** The scope of the separate token that registers the SAML SP (the registry has no narrower one for this). */
  static final Set<String> REGISTRATION_SCOPES = Set.of("registry:admin");
  /** Signing keys rotate this often, the next key published this long ahead. */
  private static final Duration KEY_ROTATION = Duration.ofDays(30);
  private static final Duration KEY_OVERLAP = Duration.ofDays(2);
  /** How often the revocation list is re-read, and signing keys and client assertions are maintained. */
  private static final Duration REVOCATION_REFRESH = Duration.ofSeconds(5);
  private static final Duration KEY_MAINTENANCE = Duration.ofHours(1);
  private static final Duration ASSERTION_PURGE = Duration.ofMinutes(10);
  /** How long a person has to sign in at a SAML IdP; expired flows and used assertion ids are purged this often. */
  private static final Duration SAML_FLOW_LIFETIME = Duration.ofMinutes(15);
  private static final Duration SAML_PURGE = Duration.ofMinutes(10);

  private final List<Long> timers = new ArrayList<>();
  /** Key rotation runs on one replica (singleton key-rotation); the others reload the keys it stored. */
  private eu.panosc.platform.leader.Leadership leadership;
  private Vertx vertx;
  private RegistryClient registry;
  private BackChannelLogout backChannel;
  private DiscoveryEndpoint discovery;
  private volatile AaiStores mounted;

  /** What start-up loads before anything is wired: the token and federation signing keys, the pairwise-subject key. */
  private record Keys(JwtSigner signer, SigningKeys federation, PairwiseSubjects subjects,
      EnvelopeEncryption envelopes) {}

  /** Federation Entity Keys rotate like the trust anchor's: every 90 days, the old one published 7 more days. */
  private static final Duration FEDERATION_KEY_ROTATION = Duration.ofDays(90);
  private static final Duration FEDERATION_KEY_OVERLAP = Duration.ofDays(7);
  /** {@code exp} - {@code iat} of the entity configuration. */
  private static final Duration ENTITY_CONFIGURATION_LIFETIME = Duration.ofDays(1);

  /** The SAML SP's signing and encryption keys, and the demo IdP's key (null without --demo). */
  private record SamlKeySets(SamlKeys spSigning, SamlKeys spEncryption, SamlKeys demoIdp) {}

  private SamlKeySets saml;
  /** The SP's current signed metadata and entity id, for its registration in the federation-registry. */
  private java.util.function.Supplier<String> spMetadata;
  private String spEntityId;
  private java.util.concurrent.ExecutorService metadataExecutor;
  private SpRegistration spRegistration;
  /** Whether the registry's OpenID providers are sign-in upstreams ({@code registryUpstreams.enabled}). */
  private boolean registryOidcUpstreams;
  /** Reads the registry's discovery feed (the discovery page's registry IdPs), when a discovery upstream exists. */
  private io.vertx.ext.web.client.WebClient feedClient;
  /** How often the SP's registration in the federation-registry is checked (its metadata is valid 7 days). */
  private static final Duration SP_REGISTRATION_INTERVAL = Duration.ofHours(12);

  @Override
  public String name() {
    return "aai";
  }

  @Override
  public String title() {
    return "single sign-on and per-facility tokens (OpenID provider)";
  }

  /**
   * Validates {@code services.aai}, loads the keys, starts following the revocation list, then wires the
   * services and mounts the endpoints.
   */
  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    AaiSettings settings = AaiSettings.from(context.section(), context.publicRoot());
    vertx = context.vertx();
    leadership = context.leadership(name());
    keyRotation(); // registers panosc_platform_leader at start
    TermsOfUse terms = TermsOfUse.from(context.section().node("termsOfUse"), context.publicRoot());
    return vertx.executeBlocking(() -> KeyEncryptionKeys.load(context.config()), false)
        .compose(envelopes -> mount(router, context, settings, terms, envelopes));
  }

  private Future<Void> mount(Router router, ServiceContext context, AaiSettings settings, TermsOfUse terms,
      EnvelopeEncryption envelopes) {
    AaiStores stores = AaiStores.postgres(context.pool(), context.clock(), settings, envelopes);
    mounted = stores;
    return signingKeys(context, envelopes)
        .compose(signer -> federationKeys(context, envelopes)
            .compose(federation -> PairwiseSubjects.open(context.pool(), context.clock())
                .map(subjects -> new Keys(signer, federation, subjects, envelopes))))
        .compose(keys -> stores.revoked().start(vertx, REVOCATION_REFRESH.toMillis()).map(timer -> {
          timers.add(timer);
          return keys;
        }))
        .compose(keys -> samlKeys(context).map(k -> {
          saml = k;
          return keys;
        }))
        // OpenSAML's one-time initialisation takes seconds on a busy machine: on a worker, never the event loop
        .compose(keys -> vertx.executeBlocking(() -> {
          SamlXml.get();
          return keys;
        }, false))
        .compose(keys -> preRegisterDemoUsers(context, stores, terms).map(keys))
        .map(keys -> {
          wire(router, context, settings, stores, keys, terms);
          return null;
        });
  }

  /**
   * With --demo, the demo users alice, bob and carol have registered already (accepted the current terms of use), so
   * their SAML logins go straight on; dave has not, so his first SAML login shows the registration page. Each is
   * registered under both ids a login through the stand-in can be keyed on: the subject-id (when the IdP's scope is
   * known) and the persistent NameID.
   */
  private static Future<Void> preRegisterDemoUsers(ServiceContext context, AaiStores stores, TermsOfUse terms) {
    if (!context.demo()) {
      return Future.succeededFuture();
    }
    String sp = SpEndpoints.under(context.baseUrl()).entityId();
    Future<Void> all = Future.succeededFuture();
    for (var identity : DemoConnector.create(DemoFederation.fixture(), true).identities()) {
      if (identity.userId().startsWith("dave@")) {
        continue;
      }
      var persistent = new eu.panosc.aai.user.UpstreamIdentity(DemoIdp.persistentUserId(
          context.baseUrl().toString(), sp, identity.userId()), identity.displayName(), identity.email(),
          identity.entitlements(), identity.assurance(), identity.acr(), identity.amr());
      all = all.compose(v -> stores.users().register(identity, true, terms.version()))
          .compose(v -> stores.users().register(persistent, true, terms.version()).mapEmpty());
    }
    return all;
  }

  /** The ES256 and RS256 signing keys, sealed under the key-encryption key, maintained every hour. */
  private Future<JwtSigner> signingKeys(ServiceContext context, EnvelopeEncryption envelopes) {
    return RotatingSigningKeys.open(
            new PgKeyStorage(context.pool(), "aai", "signing_key", envelopes, context.meters()),
            context.clock(), KEY_ROTATION, KEY_OVERLAP)
        .compose(ec -> RotatingSigningKeys.open(
                new PgKeyStorage(context.pool(), "aai", "rsa_signing_key", envelopes, context.meters()),
                context.clock(), KEY_ROTATION, KEY_OVERLAP, RotatingSigningKeys.RSA_3072_RS256, vertx)
            .map(rsa -> {
              timers.add(vertx.setPeriodic(KEY_MAINTENANCE.toMillis(), t -> keyRotation()
                  .either(() -> ec.maintain().compose(v -> rsa.maintain()).mapEmpty(),
                      () -> ec.reload().compose(v -> rsa.reload()))
                  .onFailure(e -> LOG.warn("signing key maintenance failed: {}", e.toString()))));
              return new JwtSigner(ec, rsa);
            }));
  }

  /**
   * The Federation Entity Keys signing the entity configuration: in demo mode the fixture's published key (the one
   * the demo trust anchor has on file), else EC P-256 keys sealed in {@code aai.federation_key}, maintained hourly.
   */
  private Future<SigningKeys> federationKeys(ServiceContext context, EnvelopeEncryption envelopes) {
    if (context.demo()) {
      return Future.succeededFuture(DemoFederationKey.fromFixture());
    }
    return RotatingSigningKeys.open(
            new PgKeyStorage(context.pool(), "aai", "federation_key", envelopes, context.meters()),
            context.clock(), FEDERATION_KEY_ROTATION, FEDERATION_KEY_OVERLAP)
        .map(keys -> {
          timers.add(vertx.setPeriodic(KEY_MAINTENANCE.toMillis(), t -> keyRotation()
              .either(() -> keys.maintain().mapEmpty(), keys::reload)
              .onFailure(e -> LOG.warn("federation key maintenance failed: {}", e.toString()))));
          return keys;
        });
  }

  /**
   * The SAML keys (RSA 3072 with self-signed certificates, sealed like the token keys, rotated every 30 days with a
   * 2-day overlap, generated on worker threads, maintained every hour): the SP's signing and encryption keys, and
   * with --demo the demo IdP's signing key.
   */
  private Future<SamlKeySets> samlKeys(ServiceContext context) {
    String host = SamlKeyType.commonNameFor(context.publicRoot().getHost(), "panosc-aai");
    return vertx.executeBlocking(() -> KeyEncryptionKeys.load(context.config()), false).compose(envelopes -> {
      Future<RotatingSigningKeys> signing = samlKeySet(context, envelopes, "saml_sp_signing_key",
          new SamlKeyType(host, KeyUse.SIGNATURE, context.clock()));
      Future<RotatingSigningKeys> encryption = samlKeySet(context, envelopes, "saml_sp_encryption_key",
          new SamlKeyType(host, KeyUse.ENCRYPTION, context.clock()));
      Future<RotatingSigningKeys> idp = context.demo()
          ? samlKeySet(context, envelopes, "saml_demo_idp_key",
              new SamlKeyType(SamlKeyType.commonNameFor("umbrellaid-demo." + host, "umbrellaid-demo"),
                  KeyUse.SIGNATURE, context.clock()))
          : Future.succeededFuture();
      return Future.all(signing, encryption, idp).map(all -> {
        List<RotatingSigningKeys> sets = new ArrayList<>(List.of(signing.result(), encryption.result()));
        if (idp.result() != null) {
          sets.add(idp.result());
        }
        timers.add(vertx.setPeriodic(KEY_MAINTENANCE.toMillis(), t -> keyRotation().<Void>either(() -> {
          Future<Void> chain = Future.succeededFuture();
          for (RotatingSigningKeys k : sets) {
            chain = chain.compose(v -> k.maintain().mapEmpty());
          }
          return chain;
        }, () -> {
          Future<Void> chain = Future.succeededFuture();
          for (RotatingSigningKeys k : sets) {
            chain = chain.compose(v -> k.reload());
          }
          return chain;
        }).onFailure(e -> LOG.warn("SAML key maintenance failed: {}", e.toString()))));
        return new SamlKeySets(new SamlKeys(signing.result()), new SamlKeys(encryption.result()),
            idp.result() == null ? null : new SamlKeys(idp.result()));
      });
    });
  }

  private Future<RotatingSigningKeys> samlKeySet(ServiceContext context,
      eu.panosc.platform.crypto.EnvelopeEncryption envelopes, String table, SamlKeyType type) {
    return RotatingSigningKeys.open(new PgKeyStorage(context.pool(), "aai", table, envelopes, context.meters()),
        context.clock(), KEY_ROTATION, KEY_OVERLAP, type, vertx);
  }

  /**
   * The SP metadata at {@code /saml2/sp/metadata} ({@code RequestedAttribute}s from the SAML upstreams' attribute
   * maps, or the built-in map when none is configured), and the SAML login through every upstream: each configured
   * upstream with a {@code metadata} section (MDQ, a signed URL or a file; several at once, each with its own attribute
   * mapper) and, with --demo, the UmbrellaID stand-in at {@code /demo/umbrellaid} (for the first SAML upstream without
   * metadata, or the built-in {@code umbrellaid} one). Empty when there is no upstream to log in through.
   */
  private Optional<SamlLogin> wireSaml(Router router, ServiceContext context, AaiSettings settings,
      Optional<PasswordConnector> connector, String cookiePath, boolean secureCookies) {
    String host = context.publicRoot().getHost() == null ? "localhost" : context.publicRoot().getHost();
    SpEndpoints sp = SpEndpoints.under(context.baseUrl());
    // each SAML upstream's attribute files are read once: for the metadata's RequestedAttributes and the login
    YamlReader reader = YamlReader.withSystemEnvironment();
    List<UpstreamAttributeSettings> upstreams = samlUpstreams(settings);
    List<AttributeMapper> mappers = upstreams.stream().map(u -> AttributeMapper.load(u, reader)).toList();
    SpMetadata metadata = new SpMetadata(sp, saml.spSigning(), saml.spEncryption(), requestedSamlAttributes(mappers),
        "security@" + host, context.clock());
    SpMetadataEndpoint endpoint = new SpMetadataEndpoint(metadata, context.clock());
    endpoint.mount(router);
    spMetadata = endpoint::current;
    spEntityId = sp.entityId();
    List<SamlUpstream> logins = new ArrayList<>();
    for (int i = 0; i < upstreams.size(); i++) {
      UpstreamAttributeSettings u = upstreams.get(i);
      MetadataSettings m = settings.upstreamMetadata().get(u.upstreamId());
      if (m != null) {
        logins.add(new SamlUpstream(u.upstreamId(), m.entityId(), m.displayName(), openMetadata(u.upstreamId(), m,
            context), mappers.get(i)));
      }
    }
    if (context.demo() && connector.isPresent() && saml.demoIdp() != null) {
      int demo = 0;
      while (demo < upstreams.size() && settings.upstreamMetadata().containsKey(upstreams.get(demo).upstreamId())) {
        demo++;
      }
      DemoIdp idp = new DemoIdp(context.baseUrl().toString(), saml.demoIdp(), () -> List.of(endpoint.current()),
          connector.get(), context.clock());
      new DemoIdpEndpoint(idp, cookiePath, secureCookies).mount(router);
      UpstreamAttributeSettings upstream = demo < upstreams.size() ? upstreams.get(demo) : builtInUmbrellaid();
      AttributeMapper mapper = demo < upstreams.size() ? mappers.get(demo) : AttributeMapper.load(upstream, reader);
      String upstreamId = logins.stream().anyMatch(l -> l.upstreamId().equals(upstream.upstreamId()))
          ? upstream.upstreamId() + "-demo" : upstream.upstreamId();
      logins.add(0, new SamlUpstream(upstreamId, Optional.of(idp.entityId()), Optional.of("UmbrellaID (demo)"),
          demoIdpMetadata(idp, saml.demoIdp()), mapper));
    }
    if (logins.isEmpty()) {
      return Optional.empty();
    }
    SamlFlows flows = new PgSamlFlows(context.pool(), context.clock(), SAML_FLOW_LIFETIME);
    ReplayCache replays = new PgReplayCache(context.pool(), context.clock());
    timers.add(purgeEvery(SAML_PURGE, "expired SAML assertion records", replays::purgeExpired));
    timers.add(purgeEvery(SAML_PURGE, "SAML login flows", flows::purgeExpired));
    LOG.info("SAML login through {}", logins.stream().map(l -> l.upstreamId() + l.entityId().map(e -> " (" + e + ")")
        .orElse(" (discovery)")).toList());
    return Optional.of(new SamlLogin(sp, new AuthnRequests(sp, saml.spSigning(), context.clock()), flows,
        new SamlResponseConsumer(vertx, new SamlResponseValidator(), replays), saml.spEncryption(), logins,
        context.clock(), registryAuthorities()));
  }

  /**
   * The registry's trusted entitlement authorities of a SAML upstream: those of the approved SAML upstream IdP member
   * with the upstream's id (none when there is no such member, or it is an OIDC one).
   */
  private UpstreamAuthorities registryAuthorities() {
    RegistryClient client = registry;
    return upstreamId -> client.upstreamIdp(upstreamId).map(found -> found.filter(u -> "saml".equals(u.protocol()))
        .map(UpstreamIdp::trustedEntitlementAuthorities).orElse(Set.of()));
  }

  /** The demo stand-in's metadata, made from its current keys at each lookup (they rotate). */
  private static IdpMetadataSource demoIdpMetadata(DemoIdp idp, SamlKeys keys) {
    return new IdpMetadataSource() {
      @Override
      public Future<Optional<IdpMetadata>> lookup(String entityId) {
        return Future.succeededFuture(entityId.equals(idp.entityId()) ? Optional.of(current()) : Optional.empty());
      }

      @Override
      public List<IdpMetadata> known(Instant now) {
        return List.of(current());
      }

      /** Built at each use, so the stand-in's key rotation is followed. */
      private IdpMetadata current() {
        return new IdpMetadata(idp.entityId(), keys.published(), List.of(),
            java.util.Map.of(IdpMetadata.Binding.REDIRECT, idp.ssoUrl()),
            java.util.Map.of(IdpMetadata.Binding.REDIRECT, idp.sloUrl()),
            List.of(new IdpMetadata.Scope(DemoIdp.SCOPE, false)), List.of(), java.util.Map.of(),
            Optional.of("UmbrellaID (demo)"), Instant.MAX, Optional.empty());
      }
    };
  }

  /**
   * The metadata source of one upstream; a file is read and verified now (a broken file stops the start with the
   * reason), URL and MDQ sources fetch on first use and refresh as their documents say.
   */
  private IdpMetadataSource openMetadata(String upstreamId, MetadataSettings m, ServiceContext context) {
    if (metadataExecutor == null) {
      metadataExecutor = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "saml-metadata");
        t.setDaemon(true);
        return t;
      });
    }
    try {
      return m.open(new HttpMetadataFetcher(m.timeout(), metadataExecutor), context.clock(), metadataExecutor);
    } catch (MetadataRefusedException e) {
      throw new IllegalStateException("services.aai.upstreams." + upstreamId + ".metadata: the metadata was refused ("
          + e.kind() + ": " + e.getMessage() + ")", e);
    }
  }

  /** The SAML upstreams configured, or the built-in {@code umbrellaid} one (default maps) when none is. */
  private static List<UpstreamAttributeSettings> samlUpstreams(AaiSettings settings) {
    List<UpstreamAttributeSettings> saml = settings.upstreams().values().stream()
        .filter(u -> u.protocol() == UpstreamAttributes.Protocol.SAML).toList();
    return saml.isEmpty() ? List.of(builtInUmbrellaid()) : saml;
  }

  /** The built-in {@code umbrellaid} upstream: the default attribute maps and user-id order. */
  private static UpstreamAttributeSettings builtInUmbrellaid() {
    return new UpstreamAttributeSettings("umbrellaid", UpstreamAttributes.Protocol.SAML, Optional.empty(), List.of(),
        List.of(), List.of(), UserIdSource.DEFAULT_ORDER, Set.of(), Optional.empty(), IdentityAttributes.DEFAULT);
  }

  /** What the SAML upstreams' attribute maps read, each Name once (required if any upstream requires it). */
  private static List<RequestedSamlAttribute> requestedSamlAttributes(List<AttributeMapper> mappers) {
    java.util.Map<String, RequestedSamlAttribute> byName = new java.util.LinkedHashMap<>();
    for (AttributeMapper mapper : mappers) {
      for (RequestedSamlAttribute r : mapper.requestedSamlAttributes()) {
        byName.merge(r.name(), r, (a, b) -> a.required() ? a : b);
      }
    }
    return List.copyOf(byName.values());
  }

  /** Builds the services on the loaded keys and mounts every endpoint. */
  private void wire(Router router, ServiceContext context, AaiSettings settings, AaiStores stores, Keys keys,
      TermsOfUse terms) {
    String issuer = context.config().auth().issuerFor(context.publicRoot()).toString();
    ServiceAudiences audiences = new ServiceAudiences(context.publicRoot().toString());
    Optional<PasswordConnector> connector = context.demo()
        ? Optional.of(DemoConnector.create(DemoFederation.fixture(), true)) : Optional.empty();
    AccessTokens tokens = new AccessTokens(keys.signer(), issuer, context.clock(), settings.accessTokenLifetime());
    IdTokens idTokens = new IdTokens(keys.signer(), issuer, context.clock(), settings.accessTokenLifetime());
    registry = registryClient(context, settings.registryUrl(), tokens);
    backChannel = backChannel(context, settings, stores, keys, issuer);
    SessionLogout sessionLogout = new SessionLogout(stores.transactions(), stores.sessions(), stores.grants(),
        stores.outbox(), backChannel);
    purgePeriodically(settings.purgeInterval(), sessionLogout, stores);
    UserTokenIssuer userTokens = new UserTokenIssuer(keys.signer(), tokens, idTokens, keys.subjects(),
        stores.grants(), stores.users(), registry, List.of(TokenCustomizer.authentication(),
            TokenCustomizer.facilityEntitlements(), TokenCustomizer.vopersonId()));
    ClientAuthenticator clients = clientAuthenticator(context, issuer);
    // the OIDC routes are mounted without upstreams too (they answer that no such OP is known)
    OidcLogin oidcLogin = oidcLogin(context, settings, keys);
    OidcLogout oidcLogout = new OidcLogout(oidcLogin, new PgOidcSessions(context.pool(), context.clock(),
        settings.sessionLifetime(), keys.envelopes()), sessionLogout, context.baseUrl().toString().replaceAll("/+$", "")
        + OidcEndpoints.LOGGED_OUT_PATH, context.clock());
    timers.add(purgeEvery(SAML_PURGE, "OIDC upstream sessions", oidcLogout::purgeExpired));
    Identities identities = new PgIdentities(context.pool(), context.clock());
    DeviceFlow device = new DeviceFlow(context, registry, audiences, issuer, stores.grants(), userTokens,
        connector.<PasswordConnector>map(c -> new ResolvingConnector(c, identities)), stores.users(),
        stores.sessions(), stores.consents(), stores.devices());
    RateLimiter limiter = new RateLimiter(settings.tokenRatePerSecond(), settings.tokenBurst());
    TokenEndpoint tokenEndpoint = new TokenEndpoint(clients, tokens,
        List.of(new ClientCredentialsGrant(tokens, audiences),
            new AuthorizationCodeGrant(stores.grants(), userTokens, context.clock()),
            new RefreshTokenGrant(stores.grants(), userTokens),
            device.grant(),
            new TokenExchangeGrant(tokens, stores.revoked(), keys.subjects(), registry, stores.grants(),
                new UpstreamAccessTokens(oidcLogin, stores.users(), context.clock()))),
        stores.revoked(), limiter, context.meters(), stores.grants(), keys.subjects());
    String cookiePath = context.baseUrl().getPath();
    boolean secureCookies = "https".equals(context.baseUrl().getScheme());
    Optional<SamlLogin> samlLogin = wireSaml(router, context, settings, connector, cookiePath, secureCookies);
    Optional<SingleLogout> slo = samlLogin.map(login -> singleLogout(context, settings, sessionLogout, login));
    AuthorizationService authorization = new AuthorizationService(registry, connector, stores.users(),
        stores.sessions(), stores.pending(), stores.consents(), stores.grants(), issuer, context.clock(),
        samlLogin.isPresent() || !oidcLogin.upstreams().isEmpty() || registryOidcUpstreams,
        Optional.of(new AuthorizationService.Registration(terms, stores.registrations())),
        upstreamSessions(slo.<AuthorizationService.UpstreamSessions>map(s -> (sid, upstream) -> s.started(sid,
            SamlSubject.fromJson(upstream))).orElse(AuthorizationService.UpstreamSessions.NONE), oidcLogout),
        identities);
    AuthorizationRequestParser parser = new AuthorizationRequestParser(registry, audiences, issuer, stores.pushed());

    discovery = new DiscoveryEndpoint(issuer, keys.signer(), tokenEndpoint.grantTypes());
    discovery.mount(router);
    new EntityConfigurationEndpoint(new EntityConfiguration(issuer, settings.trustAnchor().toString(),
        discovery::metadata, new JsonObject().put("organization_name", "PaNOSC aai-broker"),
        relyingPartyMetadata(context, settings, issuer), keys.federation(),
        context.clock(), ENTITY_CONFIGURATION_LIFETIME)).mount(router);
    new PushedAuthorizationEndpoint(clients, parser, stores.pushed(), limiter).mount(router);
    slo.ifPresent(s -> new SingleLogoutEndpoint(s, stores.sessions(), cookiePath, secureCookies).mount(router));
    // every login connector's catalog: the discovery page lists what they offer (a new connector adds its own here)
    List<UpstreamCatalog> catalogs = new ArrayList<>();
    connector.ifPresent(c -> catalogs.add(Catalogs.password(c)));
    samlLogin.ifPresent(l -> catalogs.add(Catalogs.saml(l)));
    catalogs.add(OidcEndpoints.catalog(oidcLogin));
    samlLogin.flatMap(l -> l.upstreams().stream().filter(u -> !u.listed()).findFirst())
        .ifPresent(u -> catalogs.add(registryIdps(u.upstreamId(), settings.registryUrl(), context)));
    UpstreamCatalog catalog = UpstreamCatalog.of(catalogs);
    DiscoveryPage discoveryPage = new DiscoveryPage(catalog, samlLogin.map(SamlLogin::discovery).orElse(false));
    AuthorizeEndpoint authorizeEndpoint = new AuthorizeEndpoint(parser, authorization, cookiePath, secureCookies,
        settings.sessionLifetime().toSeconds(), samlLogin).withDiscovery(discoveryPage);
    authorizeEndpoint.mount(router);
    new OidcEndpoints(oidcLogin, oidcLogout, authorization, authorizeEndpoint, cookiePath, secureCookies)
        .mount(router);
    new IdpDiscoveryEndpoint(discoveryPage, authorization, cookiePath, secureCookies,
        settings.sessionLifetime().toSeconds()).mount(router);
    new AccountEndpoint(new AccountService(identities, stores.users(), stores.sessions(), stores.consents(),
        stores.pending(), sessionLogout, registry, catalog, stores.grants()), cookiePath, secureCookies,
        settings.sessionLifetime().toSeconds()).mount(router);
    new LogoutEndpoint(idTokens, registry, stores.sessions(), stores.users(), sessionLogout, cookiePath,
        secureCookies, upstreamLogout(slo.<UpstreamLogout>map(s -> s).orElse(UpstreamLogout.NONE), oidcLogout))
        .mount(router);
    tokenEndpoint.mount(router);
    device.mount(router, clients);
    timers.add(purgeEvery(DeviceFlow.PURGE, "expired device requests", device::purgeExpired));
    new UserInfoEndpoint(tokens, stores.revoked(), stores.grants(), stores.users(), registry).mount(router);
    new SubjectResolutionEndpoint(keys.subjects()).mount(router, context.bearerAuth());
    registerSp(context, settings.registryUrl(), tokens);
  }

  /**
   * Sign-in through the upstream OpenID providers of {@code services.aai.upstreams.<id>.oidc} (each with its attribute
   * mapper; discovery and keys fetched on first use), its flows in {@code aai.oidc_flow_state} (V29), purged with the
   * SAML ones; {@code private_key_jwt} assertions signed RS256 with the broker's own token keys. Without any upstream
   * it knows no OP (every route answers so).
   */
  private OidcLogin oidcLogin(ServiceContext context, AaiSettings settings, Keys keys) {
    YamlReader reader = YamlReader.withSystemEnvironment();
    RegistryUpstreamSettings fromRegistry = RegistryUpstreamSettings.from(context.section().node("registryUpstreams"));
    io.vertx.ext.web.client.WebClient web = settings.oidcUpstreams().isEmpty() && !fromRegistry.enabled() ? null
        : io.vertx.ext.web.client.WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions()
            .setFollowRedirects(false).setUserAgent("panosc-aai-broker"));
    // OpenID Federation: one resolver (its cache of trust chains) for every OP trusted through a trust anchor
    eu.panosc.aai.federation.trust.TrustChainResolver federation = web == null ? null
        : new eu.panosc.aai.federation.trust.TrustChainResolver(new eu.panosc.aai.federation.trust
            .HttpStatementFetcher(web, Duration.ofSeconds(10)), context.clock(), Duration.ofMinutes(2));
    List<OidcUpstream> upstreams = new ArrayList<>();
    // automatic registration (OpenID Federation): the broker's client id at the OP is its own Entity Identifier
    String entityId = context.config().auth().issuerFor(context.publicRoot()).toString();
    settings.oidcUpstreams().forEach((id, o) -> upstreams.add(new OidcUpstream(id, new OidcProvider(
        o.automaticRegistration() ? o.withClientId(entityId) : o, web, context.clock(), federation),
        AttributeMapper.load(settings.upstreams().get(id), reader))));
    OidcFlows flows = new PgOidcFlows(context.pool(), context.clock(), SAML_FLOW_LIFETIME);
    timers.add(purgeEvery(SAML_PURGE, "OIDC sign-in flows", flows::purgeExpired));
    if (!upstreams.isEmpty()) {
      LOG.info("OIDC sign-in through {}", upstreams.stream().map(u -> u.id() + " (" + u.provider().settings()
          .issuerId() + ")").toList());
    }
    OidcUpstreams source = OidcUpstreams.fixed(upstreams);
    if (fromRegistry.enabled()) {
      // the registry's approved OpenID providers too (upstream-idps of protocol oidc with the broker's clientId)
      Set<String> reserved = new java.util.HashSet<>(settings.upstreams().keySet());
      reserved.add("demo");
      RegistryOidcUpstreams registryOps = new RegistryOidcUpstreams(source, reserved, registry,
          new UpstreamSecrets(vertx, fromRegistry.credentialsDirectory()),
          (s, registered) -> new OidcProvider(s, web, context.clock(), federation), reader).follow();
      registry.ready().onSuccess(v -> registryOps.refresh());
      timers.add(vertx.setPeriodic(fromRegistry.refresh().toMillis(), t -> registryOps.refresh()));
      source = registryOps;
    }
    registryOidcUpstreams = fromRegistry.enabled();
    return new OidcLogin(source, flows, context.baseUrl().toString().replaceAll("/+$", "")
        + OidcEndpoints.CALLBACK_PATH, claims -> keys.signer().sign(com.nimbusds.jose.JOSEObjectType.JWT, claims,
        com.nimbusds.jose.JWSAlgorithm.RS256), context.clock());
  }

  /**
   * The broker's {@code openid_relying_party} metadata in its entity configuration (OpenID Federation 1.0 §12.1), when
   * an upstream OP is configured for automatic registration: what such an OP resolves the broker's client from.
   */
  private static Optional<JsonObject> relyingPartyMetadata(ServiceContext context, AaiSettings settings,
      String issuer) {
    if (settings.oidcUpstreams().values().stream().noneMatch(OidcUpstreamSettings::automaticRegistration)) {
      return Optional.empty();
    }
    String base = context.baseUrl().toString().replaceAll("/+$", "");
    return Optional.of(new JsonObject()
        .put("client_registration_types", new io.vertx.core.json.JsonArray().add("automatic"))
        .put("client_name", "PaNOSC aai-broker")
        .put("redirect_uris", new io.vertx.core.json.JsonArray().add(base + OidcEndpoints.CALLBACK_PATH))
        .put("post_logout_redirect_uris", new io.vertx.core.json.JsonArray().add(base + OidcEndpoints.LOGGED_OUT_PATH))
        .put("backchannel_logout_uri", base + OidcEndpoints.BACKCHANNEL_PATH)
        .put("backchannel_logout_session_required", true)
        .put("response_types", new io.vertx.core.json.JsonArray().add("code"))
        .put("grant_types", new io.vertx.core.json.JsonArray().add("authorization_code"))
        .put("token_endpoint_auth_method", "private_key_jwt")
        .put("token_endpoint_auth_signing_alg", "RS256")
        .put("request_object_signing_alg", "RS256")
        .put("jwks_uri", issuer + "/jwks"));
  }

  /** Sessions started by SAML sign-ins go to {@code saml}, those of OIDC sign-ins to {@code oidc}. */
  private static AuthorizationService.UpstreamSessions upstreamSessions(AuthorizationService.UpstreamSessions saml,
      OidcLogout oidc) {
    return (sid, upstream) -> OidcSession.isOidc(upstream)
        ? oidc.started(sid, OidcSession.fromJson(sid, upstream)) : saml.started(sid, upstream);
  }

  /**
   * After a broker logout: the SAML IdP's Single Logout when the session came from one, else the OIDC OP's logout.
   * Both ways on are joined, {@code next} too: SAML's HTTP-POST form and its "signed out here only" page are not
   * redirects, so a join of {@code after} alone would lose them.
   */
  private static UpstreamLogout upstreamLogout(UpstreamLogout saml, OidcLogout oidc) {
    return new UpstreamLogout() {
      @Override
      public Future<Optional<String>> after(String sid, String redirect, String state) {
        return saml.after(sid, redirect, state).compose(next -> next.isPresent()
            ? Future.succeededFuture(next) : oidc.after(sid, redirect, state));
      }

      @Override
      public Future<Optional<UpstreamLogout.Step>> next(String sid, String redirect, String state) {
        return saml.next(sid, redirect, state).compose(next -> next.isPresent()
            ? Future.succeededFuture(next) : oidc.next(sid, redirect, state));
      }
    };
  }

  /**
   * The IdPs approved in the federation-registry (its public discovery feed, read at most every 5 minutes), offered
   * through the first SAML upstream that reaches IdPs through discovery.
   */
  private UpstreamCatalog registryIdps(String upstreamId, URI registryUrl, ServiceContext context) {
    if (feedClient == null) {
      feedClient = io.vertx.ext.web.client.WebClient.create(vertx);
    }
    String url = registryUrl.toString().replaceAll("/+$", "") + "/discovery/idps.json";
    io.vertx.ext.web.client.WebClient web = feedClient;
    return new eu.panosc.aai.discovery.DiscoJsonCatalog(upstreamId, () -> web.getAbs(url).timeout(5000).send()
        .compose(r -> r.statusCode() == 200 ? Future.succeededFuture(r.bodyAsString())
            : Future.failedFuture("HTTP " + r.statusCode() + " from " + url)), context.clock(), Duration.ofMinutes(5));
  }

  /**
   * Keeps the SP registered in the federation-registry (its admin API, with a token the broker issues itself for the
   * registry's {@code registry:admin} scope only), so IdPs reading the signed aggregate or MDQ know it; retried, never
   * fatal.
   */
  private void registerSp(ServiceContext context, URI registryUrl, AccessTokens tokens) {
    AtomicReference<AccessTokens.Issued> admin = new AtomicReference<>();
    spRegistration = new SpRegistration(vertx, registryUrl, () -> Future.succeededFuture(selfToken(tokens, admin,
        registryUrl.toString(), context.clock().instant(), REGISTRATION_SCOPES).jwt()), spEntityId, spMetadata);
    // after the server listens: the registry may be mounted in this very process
    vertx.setTimer(1000, t -> spRegistration.start(SP_REGISTRATION_INTERVAL));
  }

  /**
   * SAML Single Logout at {@code /saml2/sp/slo} with every IdP {@code login} reaches (each upstream's metadata source
   * names its HTTP-Redirect SingleLogoutService and signing keys; the demo stand-in among them): subjects
   * and logouts in flight in {@code aai.saml_session} / {@code aai.saml_logout_state} (V26), purged with the flows.
   */
  private SingleLogout singleLogout(ServiceContext context, AaiSettings settings, SessionLogout sessionLogout,
      SamlLogin login) {
    SamlSessions store = new PgSamlSessions(context.pool(), context.clock(), SAML_FLOW_LIFETIME);
    timers.add(purgeEvery(SAML_PURGE, "SAML logout state", store::purgeExpired));
    return new SingleLogout(vertx, SpEndpoints.under(context.baseUrl()), saml.spSigning(),
        entityId -> login.logoutIdp(entityId).map(idp -> logoutIdp(login, idp)),
        entityId -> login.fetchLogoutIdp(entityId).map(found -> found.map(idp -> logoutIdp(login, idp))),
        store, sessionLogout, backChannel, new PgReplayCache(context.pool(), context.clock()),
        settings.sessionLifetime(), settings.backchannelLogoutTimeout().plusSeconds(1), context.clock());
  }

  /** Single Logout's view of an IdP: its SLO endpoint and binding, its signing keys as the metadata holds them. */
  private static SingleLogout.Idp logoutIdp(SamlLogin login, SamlLogin.LogoutIdp idp) {
    eu.panosc.aai.saml.slo.LogoutCodec.Binding binding = idp.sloBinding() == null ? null
        : idp.sloBinding() == IdpMetadata.Binding.REDIRECT ? eu.panosc.aai.saml.slo.LogoutCodec.Binding.REDIRECT
            : eu.panosc.aai.saml.slo.LogoutCodec.Binding.POST;
    return new SingleLogout.Idp(idp.entityId(), idp.displayName(), idp.sloUrl(), binding,
        () -> login.logoutIdp(idp.entityId()).map(SamlLogin.LogoutIdp::signingCertificates)
            .orElse(idp.signingCertificates()));
  }

  /** The registry's client, authenticated with a token the provider issues to itself. */
  private RegistryClient registryClient(ServiceContext context, URI registryUrl, AccessTokens tokens) {
    AtomicReference<AccessTokens.Issued> self = new AtomicReference<>();
    return RegistryClient.http(vertx, registryUrl, () -> Future.succeededFuture(
        selfToken(tokens, self, registryUrl.toString(), context.clock().instant(), SELF_SCOPES).jwt()));
  }

  /** Back-channel logout deliveries from the outbox, started. */
  private BackChannelLogout backChannel(ServiceContext context, AaiSettings settings, AaiStores stores, Keys keys,
      String issuer) {
    BackChannelLogout logout = new BackChannelLogout(vertx, stores.outbox(), registry, keys.subjects(),
        keys.signer(), issuer, context.clock(), settings.backchannelLogoutTimeout(),
        settings.backchannelLogoutAttempts(), settings.backchannelLogoutRetryDelay(), context.meters());
    logout.start(settings.backchannelLogoutPoll());
    return logout;
  }

  /** Drops expired sessions (announcing them over the back channel), pending and pushed requests, and grants. */
  private void purgePeriodically(Duration interval, SessionLogout sessionLogout, AaiStores stores) {
    timers.add(purgeEvery(interval, "expired sessions and grants", () -> sessionLogout.purgeExpired()
        .compose(v -> stores.pending().purgeExpired())
        .compose(v -> stores.pushed().purgeExpired())
        .compose(v -> stores.grants().purgeExpired())
        .compose(v -> stores.registrations().purgeExpired())));
  }

  /**
   * Every {@code every}, runs {@code purge} (a deletion of expired rows) on the replica leading the service's
   * {@code purge} singleton only (eu.panosc.platform.leader): the rows are shared, one replica deleting them is
   * enough. A failure is logged and tried again at the next tick.
   */
  private long purgeEvery(Duration every, String what, java.util.function.Supplier<Future<?>> purge) {
    var purges = leadership.singleton("purge");
    return vertx.setPeriodic(Math.max(1, every.toMillis()), t -> purges.ifLeader(() -> purge.get().mapEmpty())
        .onFailure(e -> LOG.warn("purging {} failed: {}", what, e.toString())));
  }

  /** Client authentication of every endpoint a client calls; assertions are accepted for these audiences. */
  private ClientAuthenticator clientAuthenticator(ServiceContext context, String issuer) {
    ClientAssertions assertions = new ClientAssertions(context.pool(), context.clock(),
        Set.of(issuer, issuer + "/token", issuer + "/introspect", issuer + "/revoke",
            issuer + "/device_authorization", issuer + "/par"));
    timers.add(purgeEvery(ASSERTION_PURGE, "used client assertions", assertions::purgeExpired));
    return new ClientAuthenticator(registry, assertions);
  }

  /** Ready while this replica follows the revocation list (a stale list could accept tokens revoked elsewhere). */
  @Override
  public List<eu.panosc.platform.health.ReadinessCheck> readinessChecks() {
    return List.of(new eu.panosc.platform.health.ReadinessCheck() {
      @Override
      public String name() {
        return "aai-revocation-list";
      }

      @Override
      public Future<Void> check() {
        AaiStores stores = mounted;
        String problem = stores == null ? "the aai-broker is not mounted yet" : stores.revoked().staleness();
        return problem == null ? Future.succeededFuture() : Future.failedFuture(problem);
      }
    });
  }

  @Override
  public void checkConfig(eu.panosc.platform.config.ConfigNode section, eu.panosc.platform.config.PanoscConfig config,
      URI publicRoot) {
    AaiSettings.from(section, publicRoot);
  }

  /** RFC 8414 §3: the metadata at the path-inserted well-known locations of the server root. */
  @Override
  public java.util.Map<String, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext>> wellKnown() {
    if (discovery == null) {
      return java.util.Map.of();
    }
    var handler = discovery.rootMetadataHandler();
    return java.util.Map.of("oauth-authorization-server", handler, "openid-configuration", handler);
  }

  /** A token the provider issues to itself for the registry, renewed a minute before it expires. */
  private static AccessTokens.Issued selfToken(AccessTokens tokens, AtomicReference<AccessTokens.Issued> cache,
      String registryAudience, Instant now, Set<String> scopes) {
    AccessTokens.Issued current = cache.get();
    if (current == null || current.expiresAt().minusSeconds(60).isBefore(now)) {
      current = tokens.issue("aai-broker", "aai-broker", List.of(registryAudience), scopes);
      cache.set(current);
    }
    return current;
  }

  /**
   * The registry's change feed and the SP registration stop before the HTTP server (requests in flight still read the
   * registry through the client, closed in {@link #stop()}).
   */
  @Override
  public Future<Void> stopFeeds() {
    if (registry != null) {
      registry.stopFollowing();
    }
    if (spRegistration != null) {
      spRegistration.close();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (vertx != null) {
      timers.forEach(vertx::cancelTimer);
    }
    if (registry != null) {
      registry.close();
    }
    if (backChannel != null) {
      backChannel.close();
    }
    if (spRegistration != null) {
      spRegistration.close();
    }
    if (feedClient != null) {
      feedClient.close();
    }
    if (metadataExecutor != null) {
      metadataExecutor.shutdownNow();
    }
    return leadership == null ? Future.succeededFuture() : leadership.close();
  }

  private eu.panosc.platform.leader.Singleton keyRotation() {
    return leadership.singleton("key-rotation");
  }
}
