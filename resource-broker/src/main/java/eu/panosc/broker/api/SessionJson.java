package eu.panosc.broker.api;

import eu.panosc.broker.cull.Notice;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Visibility;
import eu.panosc.broker.staging.StagingProgress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON forms of sessions, images and flavours in the broker's API. */
public final class SessionJson {
  private SessionJson() {}

  public static JsonObject session(Session s) {
    JsonObject o = new JsonObject().put("id", s.id()).put("owner", s.owner());
    s.proposal().ifPresent(p -> o.put("proposal", p));
    o.put("datasets", new JsonArray(s.datasets().stream().map(Object.class::cast).toList()))
        .put("image", s.image()).put("flavour", s.flavour())
        .put("resources", new JsonObject().put("cpu", s.resources().cpu()).put("memoryMi", s.resources().memoryMi())
            .put("gpu", s.resources().gpu()))
        .put("state", s.state().name());
    if (s.state() == SessionState.RUNNING) {
      s.url().ifPresent(u -> o.put("url", u));
    }
    if (s.placement().isPresent()) {
      JsonObject p = new JsonObject().put("reason", s.placement().get());
      s.cluster().ifPresent(c -> p.put("cluster", c));
      o.put("placement", p);
    }
    s.failure().ifPresent(f -> o.put("failure", f));
    o.put("created", s.created().toString()).put("updated", s.updated().toString())
        .put("expiresAt", s.expiresAt().toString());
    return o;
  }

  /** The session with its staging progress, when its data was staged. */
  static JsonObject session(Session s, java.util.Map<String, StagingProgress> staging) {
    JsonObject o = session(s);
    StagingProgress p = staging.get(s.id());
    if (p != null) {
      JsonObject j = new JsonObject().put("state", p.state().name()).put("datasets", p.datasets())
          .put("done", p.done()).put("bytesTotal", p.bytesTotal()).put("bytesDone", p.bytesDone())
          .put("job", p.job()).put("started", p.started().toString()).put("updated", p.updated().toString());
      p.reason().ifPresent(r -> j.put("reason", r));
      o.put("staging", j);
    }
    return o;
  }

  /** A session's view (events): as {@code GET /v1/sessions/{id}} shows it, with its staging progress and warnings. */
  public static JsonObject view(eu.panosc.broker.events.SessionView v) {
    java.util.Map<String, StagingProgress> staging = v.staging().map(p -> java.util.Map.of(v.session().id(), p))
        .orElse(java.util.Map.of());
    return withWarnings(session(v.session(), staging), v.warnings());
  }

  /** Adds {@code warnings}: notices before the session ends (idle, lifetime) and that it was culled or expired. */
  static JsonObject withWarnings(JsonObject session, java.util.List<Notice> notices) {
    if (!notices.isEmpty()) {
      session.put("warnings", new JsonArray(notices.stream().map(n -> (Object) new JsonObject()
          .put("kind", n.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
          .put("due", n.due().toString()).put("issued", n.issued().toString()).put("message", n.message())).toList()));
    }
    return session;
  }

  static JsonObject image(Image i) {
    return new JsonObject().put("id", i.id()).put("title", i.title()).put("kind", i.kind().name().toLowerCase(java.util.Locale.ROOT))
        .put("protocol", i.protocol()).put("port", i.port()).put("visibility", visibility(i.visibility()));
  }

  static JsonObject flavour(Flavour f) {
    return new JsonObject().put("id", f.id()).put("title", f.title()).put("cpu", f.resources().cpu())
        .put("memoryMi", f.resources().memoryMi()).put("gpu", f.resources().gpu()).put("scratchGi", f.scratchGi())
        .put("visibility", visibility(f.visibility()));
  }

  private static JsonObject visibility(Visibility v) {
    return new JsonObject().put("proposals", sorted(v.proposals())).put("facilities", sorted(v.facilities()))
        .put("roles", sorted(v.roles()));
  }

  private static JsonArray sorted(java.util.Set<String> s) {
    return new JsonArray(s.stream().sorted().map(Object.class::cast).toList());
  }
}
