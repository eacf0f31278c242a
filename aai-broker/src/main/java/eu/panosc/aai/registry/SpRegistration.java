package eu.panosc.aai.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the broker's SAML SP registered in the federation-registry, so it appears in the signed aggregate and over
 * MDQ for the IdPs that read them: through the registry's public admin API ({@code /admin/v1/saml-entities}) with a
 * token the broker issues itself. At start and then every {@code interval}: the member is read; missing, it is
 * registered and approved; present with other metadata (rotated keys, a new validUntil), its document is replaced
 * ({@code If-Match} its version); pending, it is approved. A member an administrator suspended is left suspended.
 * Failures are logged and retried with back-off (never fatal: logins work without it, only IdPs reading the
 * registry would not see the SP); a refused document (400, such as an http entity id) only at the next round.
 */
public final class SpRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpRegistration.class);
  private static final String COLLECTION = "/admin/v1/saml-entities";
  /** Failures in a row logged at INFO before WARN (1 + 2 + 4 s of retries cover a slow start of the platform). */
  private static final int QUIET_FAILURES = 3;

  /** What one round did. */
  public enum Outcome {
    REGISTERED, UPDATED, APPROVED, UNCHANGED, SUSPENDED
  }

  private final Vertx vertx;
  private final WebClient web;
  private final String base;
  private final Supplier<Future<String>> adminToken;
  private final String entityId;
  private final Supplier<String> metadata;
  private volatile boolean closed;
  private volatile long timer = -1;

  /**
   * @param registry the registry's base URL (e.g. {@code http://localhost:8080/registry})
   * @param adminToken bearer tokens with the registry's {@code registry:admin} scope
   * @param entityId the SP's entity id (the member's id)
   * @param metadata the SP's current signed metadata
   */
  public SpRegistration(Vertx vertx, URI registry, Supplier<Future<String>> adminToken, String entityId,
      Supplier<String> metadata) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setIdleTimeout(30));
    this.base = Objects.requireNonNull(registry, "registry").toString().replaceAll("/+$", "");
    this.adminToken = Objects.requireNonNull(adminToken, "adminToken");
    this.entityId = Objects.requireNonNull(entityId, "entityId");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
  }

  /** Registers now and then every {@code interval}; a failed round is retried sooner, with back-off. */
  public void start(Duration interval) {
    round(interval, 0);
  }

  private void round(Duration interval, int failures) {
    if (closed) {
      return;
    }
    registerOnce().onComplete(ar -> {
      if (closed) {
        return;
      }
      long delay;
      if (ar.succeeded()) {
        if (ar.result() != Outcome.UNCHANGED) {
          LOG.info("SAML SP {} in the federation-registry: {}", entityId, ar.result());
        }
        delay = interval.toMillis();
      } else if (ar.cause() instanceof Refused refused && refused.status == 400) {
        // the registry refuses the document itself (e.g. an http entity id): trying again soon cannot help
        delay = interval.toMillis();
        if (entityId.startsWith("http://")) {
          // expected on a local http demo: the registry publishes https and urn entity ids only
          LOG.info("the federation-registry refuses the SAML SP {} ({}); expected for a broker on plain http, trying "
              + "again in {} (logins work)", entityId, refused.getMessage(), interval);
        } else {
          LOG.warn("the federation-registry refuses the SAML SP {} ({}); trying again in {} (logins work; IdPs "
              + "reading the registry's metadata do not see this SP)", entityId, refused.getMessage(), interval);
        }
      } else {
        delay = Math.min(interval.toMillis(), Math.min(300_000, 1000L << Math.min(failures, 8)));
        // the first failures are usually the start-up (the registry, maybe in this process, not serving yet)
        String message = "registering the SAML SP {} in the federation-registry failed ({}); retrying in {} ms (logins "
            + "work; IdPs reading the registry's metadata do not see this SP until it succeeds)";
        if (failures < QUIET_FAILURES) {
          LOG.info(message, entityId, ar.cause().getMessage(), delay);
        } else {
          LOG.warn(message, entityId, ar.cause().getMessage(), delay);
        }
      }
      boolean transientFailure = ar.failed() && !(ar.cause() instanceof Refused r && r.status == 400);
      timer = vertx.setTimer(Math.max(1, delay), t -> round(interval, transientFailure ? failures + 1 : 0));
    });
  }

  /** One round: read the member, then register, update or approve it as needed. */
  public Future<Outcome> registerOnce() {
    String xml = metadata.get();
    String member = base + COLLECTION + "/" + URLEncoder.encode(entityId, StandardCharsets.UTF_8).replace("+", "%20");
    return adminToken.get().compose(token -> web.getAbs(member).bearerTokenAuthentication(token).timeout(10_000).send()
        .compose(read -> switch (read.statusCode()) {
          case 404 -> expect(web.postAbs(base + COLLECTION).bearerTokenAuthentication(token).timeout(10_000)
              .sendJsonObject(new JsonObject().put("metadata", xml)), 201, "registering")
              .compose(created -> approve(token, member, Outcome.REGISTERED));
          case 200 -> {
            JsonObject current = json(read);
            String state = current.getString("state", "");
            if ("suspended".equals(state)) {
              LOG.warn("the SAML SP {} is suspended in the federation-registry; left as it is (an administrator "
                  + "suspended it)", entityId);
              yield Future.succeededFuture(Outcome.SUSPENDED);
            }
            Future<Outcome> updated = xml.equals(current.getString("metadata"))
                ? Future.succeededFuture(Outcome.UNCHANGED)
                : expect(web.putAbs(member).bearerTokenAuthentication(token).timeout(10_000)
                    .putHeader("If-Match", "\"" + current.getValue("version") + "\"")
                    .sendJsonObject(new JsonObject().put("metadata", xml)), 200, "updating")
                    .map(r -> Outcome.UPDATED);
            yield updated.compose(o -> "approved".equals(state) ? Future.succeededFuture(o)
                : approve(token, member, o == Outcome.UNCHANGED ? Outcome.APPROVED : o));
          }
          default -> Future.failedFuture(new Refused(read.statusCode(), "reading the member answered HTTP "
              + read.statusCode() + problem(read)));
        }));
  }

  private Future<Outcome> approve(String token, String member, Outcome outcome) {
    return expect(web.postAbs(member + "/approve").bearerTokenAuthentication(token).timeout(10_000).send(), 200,
        "approving").map(r -> outcome);
  }

  private static Future<HttpResponse<Buffer>> expect(Future<HttpResponse<Buffer>> call, int status, String doing) {
    return call.compose(r -> r.statusCode() == status ? Future.succeededFuture(r)
        : Future.failedFuture(new Refused(r.statusCode(), doing + " answered HTTP " + r.statusCode() + problem(r))));
  }

  /** The registry answered {@code status} where another was expected. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    try {
      JsonObject o = r.bodyAsJsonObject();
      return o == null ? new JsonObject() : o;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /** The problem+json title and detail of a refusal, for the log (never the request's token). */
  private static String problem(HttpResponse<Buffer> r) {
    JsonObject p = json(r);
    String detail = p.getString("detail", p.getString("title", ""));
    return detail.isEmpty() ? "" : ": " + (detail.length() > 300 ? detail.substring(0, 300) + "..." : detail);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    web.close();
  }
}
