package eu.panosc.pdp.log;

import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.service.ServiceContext;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * The decision log of the PDP, assembled: the {@link DecisionRecorder} the AuthZEN endpoint calls, the
 * bounded queue, the writer (batches, retention) and the administrators' query API. Recording can be
 * switched off ({@code enabled: false}); the purge and the query API keep working on what was logged.
 */
public final class DecisionLog {
  private final DecisionLogSettings settings;
  private final DecisionLogWriter writer;
  private final DecisionRecorder recorder;
  private final DecisionLogEndpoint endpoint;

  public DecisionLog(ServiceContext context, DecisionLogSettings settings) {
    this.settings = settings;
    PgDecisionLog table = new PgDecisionLog(context.pool());
    DecisionQueue queue = new DecisionQueue(settings.queueCapacity(), context.meters());
    this.writer = new DecisionLogWriter(context.vertx(), table, queue, settings, context.clock(), context.meters());
    this.recorder = settings.enabled() ? new DecisionRecorder(context.clock(), writer::record, context.meters())
        : DecisionRecorder.disabled(context.clock(), context.meters());
    this.endpoint = new DecisionLogEndpoint(table, writer::key);
  }

  /** Purges on the replica leading {@code singleton} only (call before the writer starts). */
  public void purgeUnder(eu.panosc.platform.leader.Singleton singleton) {
    writer.purgeUnder(singleton);
  }

  public DecisionRecorder recorder() {
    return recorder;
  }

  public DecisionLogSettings settings() {
    return settings;
  }

  public void mount(Router router, BearerAuth auth, String adminScope) {
    endpoint.mount(router, auth, adminScope);
  }

  /**
   * Loads the HMAC key and starts writing and purging, on a worker context of its own (never on an event loop that
   * serves HTTP); call at the end of the module's mount.
   */
  public Future<Void> start() {
    return writer.startApart();
  }

  /** Writes what is queued; call when the module stops (after the server stopped taking requests). */
  public Future<Void> close() {
    return writer.close();
  }
}
