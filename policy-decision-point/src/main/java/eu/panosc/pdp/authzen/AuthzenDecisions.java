package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import eu.panosc.pdp.log.DecisionRecorder;
import eu.panosc.pdp.subject.PairwiseSubjects;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The AuthZEN operations as the endpoint calls them, without HTTP types: each resolves a facility's
 * pairwise subject to its canonical id ({@link PairwiseSubjects}), decides through {@link AuthzenService},
 * and records the answer in the decision log ({@link DecisionRecorder}) under the id the caller sees.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN Authorization API 1.0</a>
 */
public final class AuthzenDecisions {
  private final AuthzenService service;
  private final PairwiseSubjects subjects;
  private final DecisionRecorder log;

  public AuthzenDecisions(AuthzenService service, PairwiseSubjects subjects, DecisionRecorder log) {
    this.service = Objects.requireNonNull(service, "service");
    this.subjects = Objects.requireNonNull(subjects, "subjects");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** A decision and the id under which it is in the decision log ({@code context.id}). */
  public record Answer(Decision decision, String id) {}

  /** A search page and the id under which the search is in the decision log. */
  public record SearchAnswer(AuthzenService.Page<String> page, String id) {}

  /**
   * One decision for the canonical subject (a pairwise one that cannot be resolved is denied); {@code kind}
   * is {@code evaluation}, or {@code evaluations} for a request without items.
   */
  public Future<Answer> evaluate(DecisionRecorder.Caller caller, String kind, AccessRequest request) {
    return subjects.canonical(request).map(o -> {
      Decision d = o.ok() ? service.evaluate(o.request()) : o.denial();
      return new Answer(d, log.decision(caller, kind, null, o.ok() ? o.request() : request, d));
    });
  }

  /**
   * The items' decisions in request order (a short-circuiting semantic stops after the deciding one); an
   * item whose pairwise subject cannot be resolved is an error item.
   */
  public Future<List<Answer>> evaluate(DecisionRecorder.Caller caller, AuthzenRequestParser.Evaluations request) {
    return canonical(request).map(resolved -> {
      List<Decision> decisions = service.evaluate(resolved);
      List<Answer> out = new ArrayList<>(decisions.size());
      for (int i = 0; i < decisions.size(); i++) {
        Decision d = decisions.get(i);
        out.add(new Answer(d, log.decision(caller, "evaluations", i, resolved.items().get(i).request(), d)));
      }
      return out;
    });
  }

  /** Datasets the canonical subject may act on; an unknown pairwise subject gets an empty page. */
  public Future<SearchAnswer> searchResources(DecisionRecorder.Caller caller, AuthzenRequestParser.Search search) {
    return canonical(search).map(resolved -> {
      var page = resolved == null ? empty() : service.searchResources(resolved);
      return new SearchAnswer(page, logged(caller, "search/resource", resolved == null ? search : resolved, page));
    });
  }

  /** Known users who may act on the resource (the subject is what is searched: nothing to resolve). */
  public Future<SearchAnswer> searchSubjects(DecisionRecorder.Caller caller, AuthzenRequestParser.Search search) {
    try {
      var page = service.searchSubjects(search);
      return Future.succeededFuture(new SearchAnswer(page, logged(caller, "search/subject", search, page)));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Actions the canonical subject may take on the resource; an unknown pairwise subject gets an empty page. */
  public Future<SearchAnswer> searchActions(DecisionRecorder.Caller caller, AuthzenRequestParser.Search search) {
    return canonical(search).map(resolved -> {
      var page = resolved == null ? empty() : service.searchActions(resolved);
      return new SearchAnswer(page, logged(caller, "search/action", resolved == null ? search : resolved, page));
    });
  }

  private static AuthzenService.Page<String> empty() {
    return new AuthzenService.Page<>(List.of(), "");
  }

  private String logged(DecisionRecorder.Caller caller, String kind, AuthzenRequestParser.Search search,
      AuthzenService.Page<String> page) {
    return log.search(caller, kind, search.request(), page.results().size(), !page.nextToken().isEmpty());
  }

  /** The items with canonical subjects; an item whose pairwise subject cannot be resolved becomes an error item. */
  private Future<AuthzenRequestParser.Evaluations> canonical(AuthzenRequestParser.Evaluations e) {
    List<AccessRequest> requests = e.items().stream().map(AuthzenRequestParser.Item::request).toList();
    return subjects.canonical(requests).map(outcomes -> {
      List<AuthzenRequestParser.Item> items = new ArrayList<>(requests.size());
      for (int i = 0; i < requests.size(); i++) {
        PairwiseSubjects.Outcome o = outcomes.get(i);
        items.add(o == null ? e.items().get(i) : o.ok() ? new AuthzenRequestParser.Item(o.request(), null, 0)
            : new AuthzenRequestParser.Item(null, o.message(), o.status()));
      }
      return new AuthzenRequestParser.Evaluations(null, items, e.semantic());
    });
  }

  /**
   * The search for the canonical subject; null when the subject is a pairwise id unknown at its facility
   * (it may act on nothing: an empty page). An aai-broker that cannot answer makes the search a 503.
   */
  private Future<AuthzenRequestParser.Search> canonical(AuthzenRequestParser.Search search) {
    return subjects.canonical(search.request()).compose(o -> {
      if (o.ok()) {
        return Future.succeededFuture(search.withRequest(o.request()));
      }
      return o.status() == 404 ? Future.succeededFuture(null)
          : Future.failedFuture(new AuthzenException(o.status(), o.message()));
    });
  }
}
