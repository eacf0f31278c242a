package eu.panosc.registry;

import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import eu.panosc.registry.admin.AdminEndpoint;
import eu.panosc.registry.admin.ChangeFeed;
import eu.panosc.registry.admin.TrustMarkEndpoint;
import eu.panosc.registry.admin.UpstreamImportEndpoint;
import eu.panosc.registry.model.MemberValidator;
import eu.panosc.registry.store.PgRegistryStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import eu.panosc.platform.crypto.EnvelopeEncryption;
import eu.panosc.platform.crypto.KeyEncryptionKeys;
import eu.panosc.platform.keys.PgKeyStorage;
import eu.panosc.registry.federation.PgSamlKeyStore;
import eu.panosc.registry.federation.SamlPublishing;
import eu.panosc.registry.federation.SamlSigningKey;
import eu.panosc.registry.saml.Mdq;
import eu.panosc.registry.saml.MetadataAggregate;
import eu.panosc.registry.saml.SamlMetadataParser;
import eu.panosc.registry.federation.PgTrustMarkStore;
import eu.panosc.registry.federation.PolicyEngine;
import eu.panosc.registry.federation.RegistrySubordinates;
import eu.panosc.registry.federation.TrustMarkAdmin;
import eu.panosc.registry.federation.UpstreamImport;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.oidfed.EntityStatementFetcher;
import eu.panosc.registry.oidfed.EntityStatements;
import eu.panosc.registry.oidfed.FederationEndpoint;
import eu.panosc.registry.oidfed.FederationService;
import eu.panosc.registry.oidfed.SubordinateSource;
import eu.panosc.platform.keys.RotatingSigningKeys;
import eu.panosc.registry.oidfed.TrustAnchorSettings;
import eu.panosc.registry.oidfed.TrustAnchorStatements;
import eu.panosc.registry.oidfed.TrustChainResolver;
import eu.panosc.registry.oidfed.TrustMarkIssuer;
import eu.panosc.registry.store.AuditEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of the federation-registry, mounted at {@code /registry}: the federation's members
 * (facilities, OIDC clients, resource servers, SAML entities, upstream IdPs, clusters) with onboarding
 * states and an audit trail; admin and read APIs; a change feed; the OpenID Federation 1.0 trust
 * anchor (entity configuration, fetch, list, resolve, trust marks).
 */
public final class RegistryApplication implements ServiceModule {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryApplication.class);

  @Override
  public String name() {
    return "registry";
  }

  @Override
  public String title() {
    return "the federation's members, keys, trust marks and metadata";
  }

  /** Trust mark types this trust anchor issues. */
  public static final Set<String> TRUST_MARK_TYPES =
      Set.of("https://panosc.eu/trust-marks/federation-member", "https://refeds.org/sirtfi");

  private long maintenanceTimer = -1;
  private eu.panosc.platform.leader.Leadership leadership;
  private Vertx vertx;

  /** {@code services.registry}: only the operator's SAML signing key pair, both or neither, readable PEM files. */
  @Override
  public void checkConfig(eu.panosc.platform.config.ConfigNode section, eu.panosc.platform.config.PanoscConfig config,
      java.net.URI publicRoot) {
    try {
      SamlSigningKey.configured(section);
    } catch (eu.panosc.platform.config.ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new eu.panosc.platform.config.ConfigException(section.path() + ".samlSigningKey",
          "cannot use the configured PEM files: " + e.getMessage());
    }
    section.rejectUnknownKeys();
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    vertx = context.vertx();
    AtomicReference<Consumer<AuditEvent>> onChange = new AtomicReference<>(ev -> { });
    PgRegistryStore store = new PgRegistryStore(context.pool(), context.clock(), ev -> onChange.get().accept(ev));
    ChangeFeed feed = new ChangeFeed(context.vertx(), store, context.lifecycle());
    // Santuario and the metadata schema load off the event loop (seconds on a loaded machine)
    AtomicReference<SamlMetadataParser> samlParser = new AtomicReference<>();
    AtomicReference<SamlPublishing> saml = new AtomicReference<>();
    MemberValidator validator = new MemberValidator(context.demo(), xml -> saml.get().validate(xml));
    BearerAuth auth = context.bearerAuth();
    Clock clock = context.clock();
    String entityId = context.baseUrl().toString();
    PgTrustMarkStore trustMarkStore = new PgTrustMarkStore(context.pool());
    RegistrySubordinates registered = new RegistrySubordinates(store, trustMarkStore, clock, context.meters(),
        context.demo());
    SubordinateSource subordinates = context.demo()
        ? new DemoSubordinates(registered, context.config().auth().issuerFor(context.publicRoot()).toString(),
            context.config().auth().jwksFor(context.publicRoot()).toString())
        : registered;
    AtomicReference<EnvelopeEncryption> sealed = new AtomicReference<>();
    return context.vertx().executeBlocking(() -> {
      samlParser.set(SamlMetadataParser.loaded(clock));
      return KeyEncryptionKeys.load(context.config());
    }, false)
        .compose(envelopes -> {
          sealed.set(envelopes);
          return context.vertx().executeBlocking(() -> SamlSigningKey.configured(context.section()), false);
        })
        .compose(configured -> configured.isPresent() ? Future.succeededFuture(configured.get())
            : new PgSamlKeyStore(context.pool(), sealed.get(), clock).open(context.vertx(),
                samlKeySource(context.config().dataDir().resolve("registry"), context.baseUrl().getHost())))
        .map(signing -> {
          MetadataAggregate aggregate = new MetadataAggregate(signing, new MetadataAggregate.Settings(
              "urn:mace:panosc.eu:metadata", Duration.ofDays(7), Duration.ofHours(1)));
          saml.set(new SamlPublishing(context.vertx(), store,
              samlParser.get(), new Mdq(signing, aggregate, new Mdq.Settings(Duration.ofDays(7), Duration.ofHours(1),
                  Duration.ofMinutes(5)), clock), () -> UpstreamImport.approvedImports(context.pool()), context.meters(),
              context.demo()));
          saml.get().mount(router);
          return signing;
        })
        .compose(signing -> saml.get().rebuild())
        .compose(v -> RotatingSigningKeys.open(
            new PgKeyStorage(context.pool(), "registry", "federation_key", sealed.get(), context.meters()), clock, Duration.ofDays(90),
            Duration.ofDays(7)))
        .compose(keys -> {
          TrustAnchorSettings settings = new TrustAnchorSettings(entityId, Duration.ofDays(1),
              new JsonObject().put("organization_name", "PaNOSC federation"), TRUST_MARK_TYPES);
          EntityStatements signer = new EntityStatements(keys);
          TrustAnchorStatements statements = new TrustAnchorStatements(settings, signer, keys, clock);
          TrustChainResolver resolver = new TrustChainResolver(statements, subordinates, new PolicyEngine(),
              new EntityStatementFetcher(WebClient.create(context.vertx()), Duration.ofSeconds(5), 256 * 1024),
              clock, Duration.ofSeconds(60), !context.demo());
          TrustMarkIssuer trustMarks = new TrustMarkIssuer(entityId, signer, keys, trustMarkStore, clock);
          onChange.set(ev -> {
            feed.published(ev);
            resolver.invalidateAll();
            saml.get().changed(ev.kind());
          });
          // one replica rotates the keys (its transaction stays the guard); the others reload what it stored
          leadership = context.leadership(name());
          var rotation = leadership.singleton("key-rotation");
          maintenanceTimer = context.vertx().setPeriodic(Duration.ofHours(1).toMillis(), t -> rotation
              .either(() -> keys.maintain().mapEmpty(), keys::reload)
              .onFailure(e -> LOG.warn("federation key maintenance failed: {}", e.toString())));
          new FederationEndpoint(new FederationService(statements, subordinates, resolver, trustMarks, signer, clock))
              .mount(router);
          feed.mount(router, auth);
          new TrustMarkEndpoint(new TrustMarkAdmin(trustMarks, trustMarkStore, subordinates, TRUST_MARK_TYPES))
              .mount(router, auth);
          new UpstreamImportEndpoint(new UpstreamImport(context.vertx(), context.pool(), store, samlParser.get(),
              WebClient.create(context.vertx()), clock, upstream -> saml.get().changed(MemberKind.UPSTREAM_IDP.dbName())))
              .mount(router, auth);
          new AdminEndpoint(store, validator, auth, context.demo()).mount(router);
          return context.demo() ? DemoSeed.seed(store, validator).mapEmpty() : Future.succeededFuture();
        });
  }

  /** A key left in the data directory by an earlier version is imported (then its files go), else one is made. */
  private static PgSamlKeyStore.Source samlKeySource(Path legacyDir, String subjectHost) {
    return new PgSamlKeyStore.Source() {
      @Override
      public Optional<SamlSigningKey.Material> legacy() {
        return SamlSigningKey.legacy(legacyDir);
      }

      @Override
      public void imported() {
        SamlSigningKey.deleteLegacy(legacyDir);
      }

      @Override
      public SamlSigningKey.Material generate() {
        return SamlSigningKey.generate(subjectHost);
      }
    };
  }

  @Override
  public Future<Void> stop() {
    if (vertx != null && maintenanceTimer >= 0) {
      vertx.cancelTimer(maintenanceTimer);
    }
    return leadership == null ? Future.succeededFuture() : leadership.close();
  }
}
