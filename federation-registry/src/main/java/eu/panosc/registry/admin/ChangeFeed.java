package eu.panosc.registry.admin;

import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.health.Lifecycle;
import eu.panosc.registry.store.AuditEvent;
import eu.panosc.registry.store.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /registry/v1/changes?after=N&wait=S}: the changes after sequence number N (audit event
 * ids), answered at once when there are some, else held for up to S seconds (long poll). Without
 * {@code after} it answers only the current position, {@code {"latest": N, "changes": []}}. A write in
 * this process wakes the poll at once; writes by other replicas are seen by re-reading once a second.
 */
public final class ChangeFeed {
  public static final String ADDRESS = "panosc.registry.changed";
  private static final int MAX_WAIT_SECONDS = 30;
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final RegistryStore store;
  private final Lifecycle lifecycle;

  /** @param lifecycle held polls answer (empty) within a second once a shutdown begins */
  public ChangeFeed(Vertx vertx, RegistryStore store, Lifecycle lifecycle) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
  }

  /** Called after each committed write. */
  public void published(AuditEvent event) {
    vertx.eventBus().publish(ADDRESS, event.id());
  }

  public void mount(Router router, BearerAuth auth) {
    router.get("/v1/changes").handler(auth.requireScopes(AdminEndpoint.READ_SCOPE)).handler(this::changes);
  }

  private void changes(RoutingContext ctx) {
    int wait = (int) AdminEndpoint.longParam(ctx, "wait", 0, 0, MAX_WAIT_SECONDS);
    if (lifecycle.stopping()) {
      throw eu.panosc.platform.http.ApiException.unavailable("this replica is shutting down; ask another");
    }
    if (ctx.queryParams().get("after") == null) {
      // no position yet: tell the caller where the feed stands, so it can follow from there
      store.latestChange()
          .onSuccess(latest -> ctx.json(new JsonObject().put("latest", latest).put("changes", new JsonArray())))
          .onFailure(ctx::fail);
      return;
    }
    long after = AdminEndpoint.longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    long deadline = System.nanoTime() + wait * 1_000_000_000L;
    poll(after, deadline)
        .onSuccess(events -> {
          long latest = events.isEmpty() ? after : events.get(events.size() - 1).id();
          ctx.json(new JsonObject().put("latest", latest).put("changes", new JsonArray(events.stream()
              .map(e -> new JsonObject().put("id", e.id()).put("collection", collection(e.kind()))
                  .put("memberId", e.memberId()).put("action", e.action()))
              .toList())));
        })
        .onFailure(ctx::fail);
  }

  private Future<List<AuditEvent>> poll(long after, long deadline) {
    if (lifecycle.stopping()) {
      // the process is going away: release the caller now, it will resume elsewhere from the same position
      return Future.succeededFuture(List.of());
    }
    return store.audit(Optional.empty(), Optional.empty(), after, BATCH).compose(events -> {
      long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (!events.isEmpty() || remainingMillis <= 0 || lifecycle.stopping()) {
        return Future.succeededFuture(events);
      }
      Promise<Void> woken = Promise.promise();
      var consumer = vertx.eventBus().<Long>localConsumer(ADDRESS, msg -> woken.tryComplete());
      long timer = vertx.setTimer(Math.min(1000, remainingMillis), t -> woken.tryComplete());
      return woken.future().eventually(() -> {
        vertx.cancelTimer(timer);
        return consumer.unregister();
      }).compose(v -> poll(after, deadline));
    });
  }

  private static String collection(String kind) {
    return eu.panosc.registry.model.MemberKind.ofDb(kind).collection();
  }
}
