package eu.panosc.keycloak.usage;

import eu.panosc.keycloak.oauth.ClientCredentials;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * The {@code panosc-usage} event listener: enable it per realm (Realm settings → Events → Event listeners). Its
 * settings are server-wide ({@code --spi-events-listener--panosc-usage--<key>}, listed with help texts under
 * Server info → Providers). Owns the on-disk outbox and the background shipper.
 */
public final class UsageEventListenerProviderFactory implements EventListenerProviderFactory,
    ServerInfoAwareProviderFactory {
  public static final String ID = "panosc-usage";
  private static final Logger LOG = Logger.getLogger(UsageEventListenerProviderFactory.class);
  private static final long FULL_WARNING_EVERY_MS = 60_000;

  private volatile UsageSettings settings;
  private volatile UsageOutbox outbox;
  private ScheduledExecutorService shipping;
  private final AtomicLong dropped = new AtomicLong();
  private final Map<String, Long> lastFullWarning = new ConcurrentHashMap<>();

  @Override
  public EventListenerProvider create(KeycloakSession session) {
    return new UsageEventListenerProvider(session, this);
  }

  @Override
  public void init(Config.Scope config) {
    String home = System.getProperty("kc.home.dir", ".");
    settings = UsageSettings.read(config::get, Path.of(home, "data", "panosc-usage"));
    if (settings.facility() == null) {
      LOG.errorf("panosc-usage: no facility set (--spi-events-listener--%s--facility): no usage records are "
          + "written", ID);
      return;
    }
    try {
      outbox = new UsageOutbox(settings.directory(), settings.maxQueueBytes(), settings.fsyncInterval().isZero());
    } catch (IOException e) {
      throw new IllegalStateException("panosc-usage: cannot open the queue directory " + settings.directory()
          + ": " + e.getMessage(), e);
    }
    LOG.infof("panosc-usage: queueing usage records in %s", settings.directory());
  }

  @Override
  public void postInit(KeycloakSessionFactory factory) {
    if (outbox != null) {
      shipping = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "panosc-usage-shipper");
        t.setDaemon(true);
        return t;
      });
      long fsync = settings.fsyncInterval().toMillis();
      if (fsync > 0) {
        shipping.scheduleWithFixedDelay(this::forceAll, fsync, fsync, TimeUnit.MILLISECONDS);
      }
    }
    if (outbox == null || settings.accountingUrl() == null) {
      if (outbox != null) {
        LOG.warnf("panosc-usage: no accounting-url: records stay queued in %s", settings.directory());
      }
      return;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ClientCredentials credentials = new ClientCredentials(http, settings.tokenEndpoint(), settings.clientId(),
        settings.clientSecret(), settings.scope(), Clock.systemUTC());
    UsageShipper shipper = new UsageShipper(outbox, new HttpAccountingSink(http, settings.accountingUrl(),
        credentials), settings.batchSize(), Duration.ofMillis(500), settings.maxBackoff(), Clock.systemUTC());
    long every = settings.shipInterval().toMillis();
    shipping.scheduleWithFixedDelay(shipper, every, every, TimeUnit.MILLISECONDS);
  }

  private void forceAll() {
    try {
      outbox.forceAll();
    } catch (IOException | RuntimeException e) {
      LOG.errorf("panosc-usage: forcing the queues to disk: %s", e.getMessage());
    }
  }

  UsageSettings settings() {
    return outbox == null ? null : settings;
  }

  UsageOutbox outbox() {
    return outbox;
  }

  /** A record did not fit: counted, and logged at most once a minute per realm. */
  void queueFull(String realm) {
    long n = dropped.incrementAndGet();
    long now = System.currentTimeMillis();
    Long last = lastFullWarning.get(realm);
    if (last == null || now - last >= FULL_WARNING_EVERY_MS) {
      lastFullWarning.put(realm, now);
      LOG.warnf("panosc-usage: the queue of realm %s is full (max-queue-mb); usage records are being dropped "
          + "(%d so far): is accounting reachable?", realm, n);
    }
  }

  /** Records dropped because a queue was full, since start. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    if (shipping != null) {
      shipping.shutdown();
      try {
        shipping.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (outbox != null) {
      try {
        outbox.close();
      } catch (IOException e) {
        LOG.warnf("panosc-usage: closing the queue: %s", e.getMessage());
      }
    }
  }

  /** Shown under Provider info in the admin console: the effective settings (never the secret) and counters. */
  @Override
  public Map<String, String> getOperationalInfo() {
    Map<String, String> info = new java.util.LinkedHashMap<>();
    UsageSettings s = settings;
    if (s == null) {
      return info;
    }
    info.put("facility", String.valueOf(s.facility()));
    info.put("accounting-url", String.valueOf(s.accountingUrl()));
    info.put("token-endpoint", String.valueOf(s.tokenEndpoint()));
    info.put("client-id", String.valueOf(s.clientId()));
    info.put("directory", s.directory().toString());
    info.put("max-queue-mb", Long.toString(s.maxQueueBytes() >> 20));
    info.put("fsync-interval-ms", Long.toString(s.fsyncInterval().toMillis()));
    info.put("events", String.join(",", new java.util.TreeSet<>(s.eventTypes())));
    info.put("dropped-because-full", Long.toString(dropped.get()));
    return info;
  }

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public List<ProviderConfigProperty> getConfigMetadata() {
    return ProviderConfigurationBuilder.create()
        .property().name("facility").type("string").label("Facility")
        .helpText("The facility id in the federation (accounting's `facility`). Required: without it no records "
            + "are written.").add()
        .property().name("accounting-url").type("string").label("Accounting URL")
        .helpText("Base URL of metrics-accounting, e.g. https://panosc.example.org/accounting; records go to "
            + "<url>/v1/records. Without it records stay queued.").add()
        .property().name("token-endpoint").type("string").label("Token endpoint")
        .helpText("OAuth token endpoint issuing the accounting client's tokens (client credentials grant).").add()
        .property().name("client-id").type("string").label("Client id")
        .helpText("Client allowed the scope accounting:ingest.").add()
        .property().name("client-secret").type("password").secret(true).label("Client secret")
        .helpText("That client's secret (sent in HTTP Basic to the token endpoint only; never logged).").add()
        .property().name("scope").type("string").defaultValue("accounting:ingest").label("Scope")
        .helpText("Scope requested with the token.").add()
        .property().name("directory").type("string").label("Queue directory")
        .helpText("Where the per-realm queues are kept (default <kc.home.dir>/data/panosc-usage); keep it on a "
            + "persistent disk.").add()
        .property().name("max-queue-mb").type("string").defaultValue("64").label("Queue bound (MiB per realm)")
        .helpText("When a realm's queue reaches this size, new records are dropped and a warning is logged.").add()
        .property().name("fsync-interval-ms").type("string")
        .defaultValue(Long.toString(UsageSettings.DEFAULT_FSYNC_INTERVAL_MS)).label("Disk flush interval (ms)")
        .helpText("n > 0 (default 100): records are written before Keycloak answers and forced to disk every n ms (a "
            + "crash or kill of Keycloak loses nothing; a power loss or OS crash up to the last n ms of records). 0: "
            + "every record is forced before Keycloak answers (group commit; nothing lost even at a power loss, but "
            + "each token waits for a disk flush).").add()
        .property().name("events").type("string").defaultValue(String.join(",", UsageRecords.DEFAULT_TYPES))
        .label("Event types").helpText("Comma-separated Keycloak event types turned into records.").add()
        .property().name("federation-id-attribute").type("string").defaultValue("panosc_subject")
        .label("Federation id attribute").helpText("User attribute holding the federation's id for the user; "
            + "preferred over the identity provider link.").add()
        .property().name("identity-provider").type("string").defaultValue("panosc").label("Upstream alias")
        .helpText("Alias of the aai-broker identity provider; its subject (pairwise id) is the user's id.").add()
        .property().name("source").type("string").defaultValue("keycloak").label("Record source")
        .helpText("accounting's `source`; with the event id it is the idempotency key.").add()
        .property().name("batch-size").type("string").defaultValue("500").label("Batch size")
        .helpText("Records per request to accounting (at most its maxBatchRecords).").add()
        .property().name("ship-interval-ms").type("string").defaultValue("1000").label("Ship interval (ms)")
        .helpText("Pause between shipping runs.").add()
        .property().name("max-backoff-ms").type("string").defaultValue("60000").label("Max backoff (ms)")
        .helpText("Longest wait between retries while accounting is unreachable.").add()
        .build();
  }
}
