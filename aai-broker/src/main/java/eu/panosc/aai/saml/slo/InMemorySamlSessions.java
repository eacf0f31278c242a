package eu.panosc.aai.saml.slo;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.saml.sp.SamlSubject;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link SamlSessions} in memory (tests, a single replica). */
public final class InMemorySamlSessions implements SamlSessions {
  private record Linked(SamlSubject subject, Instant expiresAt) {}

  private record Pending(LogoutFlow flow, Instant expiresAt, boolean consumed) {}

  private final Map<String, Linked> links = new ConcurrentHashMap<>();
  private final Map<String, Pending> logouts = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration logoutLifetime;

  public InMemorySamlSessions(Clock clock, Duration logoutLifetime) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.logoutLifetime = Objects.requireNonNull(logoutLifetime, "logoutLifetime");
  }

  @Override
  public Duration logoutLifetime() {
    return logoutLifetime;
  }

  @Override
  public Future<Void> remember(String sid, SamlSubject subject, Instant expiresAt) {
    SamlStoreInput.sid(sid);
    links.put(sid, new Linked(Objects.requireNonNull(subject, "subject"), expiresAt));
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<SamlSubject>> find(String sid) {
    Linked l = sid == null ? null : links.get(sid);
    return Future.succeededFuture(l == null || !l.expiresAt().isAfter(clock.instant()) ? Optional.empty()
        : Optional.of(l.subject()));
  }

  @Override
  public Future<List<Link>> bySubject(String idpEntityId, String nameId) {
    Instant now = clock.instant();
    return Future.succeededFuture(links.entrySet().stream()
        .filter(e -> e.getValue().expiresAt().isAfter(now)
            && e.getValue().subject().idpEntityId().equals(idpEntityId)
            && e.getValue().subject().nameId().equals(nameId))
        .map(e -> new Link(e.getKey(), e.getValue().subject())).sorted(java.util.Comparator.comparing(Link::sid))
        .toList());
  }

  @Override
  public Future<Void> forget(String sid) {
    if (sid != null) {
      links.remove(sid);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<String> startLogout(LogoutFlow flow) {
    SamlStoreInput.flow(flow);
    String handle = Opaque.random();
    logouts.put(Opaque.hash(handle), new Pending(flow, clock.instant().plus(logoutLifetime), false));
    return Future.succeededFuture(handle);
  }

  @Override
  public Future<Lookup> takeLogout(String handle) {
    if (!Opaque.isRandom(handle)) {
      return Future.succeededFuture(new Lookup.Missing());
    }
    Instant now = clock.instant();
    Lookup[] result = {new Lookup.Missing()};
    logouts.computeIfPresent(Opaque.hash(handle), (k, p) -> {
      if (p.consumed()) {
        result[0] = new Lookup.Replayed();
        return p;
      }
      if (!p.expiresAt().isAfter(now)) {
        result[0] = new Lookup.Expired();
        return p;
      }
      result[0] = new Lookup.Found(p.flow());
      return new Pending(p.flow(), p.expiresAt(), true);
    });
    return Future.succeededFuture(result[0]);
  }

  @Override
  public Future<Void> purgeExpired() {
    Instant now = clock.instant();
    links.values().removeIf(l -> !l.expiresAt().isAfter(now));
    Instant cutoff = now.minus(logoutLifetime);
    logouts.values().removeIf(p -> p.expiresAt().isBefore(cutoff));
    return Future.succeededFuture();
  }
}
