package eu.panosc.pdp.subject;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a request's subject as a facility service sees it into the subject the engine decides for: a
 * {@code user} subject with {@code properties.facility} carries that facility's pairwise {@code sub},
 * resolved to the canonical id through {@link SubjectResolver}; any other subject (the resource-broker's
 * canonical ids, other types) passes unchanged. Resolution happens before the (synchronous) engine runs;
 * a batch resolves each distinct subject once.
 */
public final class PairwiseSubjects {
  /** The property naming the facility whose pairwise id {@code subject.id} is. */
  public static final String FACILITY = "facility";

  private final SubjectResolver resolver;

  public PairwiseSubjects(SubjectResolver resolver) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** A request with a canonical subject, or why there is none (then the request is denied). */
  public record Outcome(AccessRequest request, int status, String message) {
    public boolean ok() {
      return request != null;
    }

    /** The deny that answers a request whose subject could not be resolved. */
    public Decision denial() {
      return new Decision(false, null, null, "error", "Your identity at this facility could not be confirmed.",
          status, message);
    }
  }

  /** Whether {@code subject} is a facility's pairwise id. */
  public static boolean pairwise(AccessRequest.Entity subject) {
    return "user".equals(subject.type()) && subject.id() != null
        && subject.properties().get(FACILITY) instanceof String;
  }

  public Future<Outcome> canonical(AccessRequest request) {
    if (!pairwise(request.subject())) {
      return Future.succeededFuture(new Outcome(request, 0, null));
    }
    AccessRequest.Entity s = request.subject();
    return resolver.resolve((String) s.properties().get(FACILITY), s.id()).map(r -> outcome(request, r));
  }

  /** Each request's outcome, in order; a null request stays null. */
  public Future<List<Outcome>> canonical(List<AccessRequest> requests) {
    Map<List<String>, Future<SubjectResolver.Resolution>> distinct = new HashMap<>();
    for (AccessRequest r : requests) {
      if (r != null && pairwise(r.subject())) {
        String facility = (String) r.subject().properties().get(FACILITY);
        distinct.computeIfAbsent(List.of(facility, r.subject().id()), k -> resolver.resolve(facility, k.get(1)));
      }
    }
    return Future.join(List.copyOf(distinct.values())).map(all -> {
      List<Outcome> out = new ArrayList<>(requests.size());
      for (AccessRequest r : requests) {
        if (r == null) {
          out.add(null);
        } else if (!pairwise(r.subject())) {
          out.add(new Outcome(r, 0, null));
        } else {
          String facility = (String) r.subject().properties().get(FACILITY);
          out.add(outcome(r, distinct.get(List.of(facility, r.subject().id())).result()));
        }
      }
      return out;
    });
  }

  private static Outcome outcome(AccessRequest request, SubjectResolver.Resolution r) {
    if (!r.resolved()) {
      return new Outcome(null, r.status(), r.message());
    }
    AccessRequest.Entity s = request.subject();
    return new Outcome(request.withSubject(new AccessRequest.Entity(s.type(), r.user(), s.properties())), 0, null);
  }
}
