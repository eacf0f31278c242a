package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import eu.panosc.pdp.engine.DecisionEngine;
import eu.panosc.pdp.filter.DatasetFilters;
import eu.panosc.pdp.filter.FilteredSearch;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.policy.Policy;
import eu.panosc.pdp.policy.PolicyRegistry;
import eu.panosc.pdp.store.Relations;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * AuthZEN operations over the engine, without HTTP types: evaluations with their semantics, and the
 * three searches. A search page looks at most {@link #MAX_SCAN} candidates, so one page never holds the
 * event loop long; a page may therefore hold fewer results than asked (even none) while
 * {@code next_token} is not empty. Only {@code ""} means the end. Page tokens are sealed and bound to
 * their request ({@link PageTokens}); a page of {@code limit} 0 is empty and the last.
 */
public final class AuthzenService {
  static final int MAX_SCAN = 10_000;

  /** How many candidate datasets a filtered search looks at per page. */
  static final int MAX_FILTER_SCAN = 20_000;

  private final DecisionEngine engine;
  private final Relations relations;
  private final PolicyRegistry policies;
  private final DatasetFilters filters;
  private final FilteredSearch filtered;
  private final PageTokens tokens;

  public AuthzenService(DecisionEngine engine, Relations relations, PolicyRegistry policies, DatasetFilters filters,
      java.time.Clock clock, PageTokens tokens) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.relations = Objects.requireNonNull(relations, "relations");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.filters = Objects.requireNonNull(filters, "filters");
    this.filtered = new FilteredSearch(relations, clock);
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  public Decision evaluate(AccessRequest request) {
    return engine.decide(request);
  }

  /** The answers in request order; a short-circuiting semantic stops after the deciding item. */
  public List<Decision> evaluate(AuthzenRequestParser.Evaluations request) {
    List<Decision> out = new ArrayList<>(request.items().size());
    for (AuthzenRequestParser.Item item : request.items()) {
      Decision d = item.request() == null
          ? new Decision(false, null, null, "error", "The request could not be evaluated.", item.status(), item.error())
          : engine.decide(item.request());
      out.add(d);
      if (request.semantic() == AuthzenRequestParser.Semantic.DENY_ON_FIRST_DENY && !d.permit()) {
        break;
      }
      if (request.semantic() == AuthzenRequestParser.Semantic.PERMIT_ON_FIRST_PERMIT && d.permit()) {
        break;
      }
    }
    return out;
  }

  /** One page of results and the token of the next ({@code ""} at the end). */
  public record Page<T>(List<T> results, String nextToken) {}

  /**
   * Datasets the subject may act on, in PID order. When every facility's policy can be compiled into a
   * dataset filter, the filter's indexes supply the candidates ({@link FilteredSearch}); otherwise every
   * dataset is tried in PID order. Either way each result is confirmed by the engine.
   */
  public Page<String> searchResources(AuthzenRequestParser.Search search) {
    String after = tokens.open('r', search.token(), search.binding());
    if (search.limit() == 0 || !DecisionEngine.DATASET.equals(search.request().resource().type())) {
      return new Page<>(List.of(), "");
    }
    AccessRequest base = search.request();
    DatasetFilters.DatasetFilter filter;
    try {
      filter = filters.compile(base.subject(), base.action(), base.actionProperties(), base.resource().properties(),
          base.context());
    } catch (DatasetFilters.NotExportable e) {
      filter = null;
    }
    if (filter != null) {
      AccessRequest timed = base.context().get("time") instanceof java.time.Instant ? base
          : new AccessRequest(base.subject(), base.action(), base.actionProperties(), base.resource(),
              withTime(base.context(), filter.time()));
      FilteredSearch.Page page = filtered.page(filter, after, search.limit(), MAX_FILTER_SCAN,
          pid -> engine.decide(timed.withResource(new AccessRequest.Entity(DecisionEngine.DATASET, pid,
              base.resource().properties()))).permit());
      return new Page<>(page.pids(), page.resumeAfter() == null ? ""
          : tokens.seal('r', page.resumeAfter(), search.binding()));
    }
    return scanResources(search, after);
  }

  private static java.util.Map<String, Object> withTime(java.util.Map<String, Object> context, java.time.Instant t) {
    java.util.Map<String, Object> out = new java.util.HashMap<>(context);
    out.put("time", t);
    return out;
  }

  /** Tries every dataset after {@code after} with the engine, at most {@link #MAX_SCAN} per page. */
  private Page<String> scanResources(AuthzenRequestParser.Search search, String after) {
    Iterator<Dataset> it = relations.datasetsAfter(after);
    List<String> results = new ArrayList<>();
    String last = after;
    int scanned = 0;
    while (results.size() < search.limit() && scanned < MAX_SCAN && it.hasNext()) {
      Dataset d = it.next();
      scanned++;
      last = d.pid();
      AccessRequest r = search.request().withResource(new AccessRequest.Entity(DecisionEngine.DATASET, d.pid(),
          search.request().resource().properties()));
      if (engine.decide(r).permit()) {
        results.add(d.pid());
      }
    }
    return new Page<>(results, it.hasNext() ? tokens.seal('r', last, search.binding()) : "");
  }

  /** Known users (members and staff) who may act on the resource, in id order. */
  public Page<String> searchSubjects(AuthzenRequestParser.Search search) {
    String after = tokens.open('s', search.token(), search.binding());
    if (search.limit() == 0 || !"user".equals(search.request().subject().type())) {
      return new Page<>(List.of(), "");
    }
    Iterator<String> it = relations.usersAfter(after);
    List<String> results = new ArrayList<>();
    String last = after;
    int scanned = 0;
    while (results.size() < search.limit() && scanned < MAX_SCAN && it.hasNext()) {
      String user = it.next();
      scanned++;
      last = user;
      AccessRequest r = search.request().withSubject(new AccessRequest.Entity("user", user,
          search.request().subject().properties()));
      if (engine.decide(r).permit()) {
        results.add(user);
      }
    }
    return new Page<>(results, it.hasNext() ? tokens.seal('s', last, search.binding()) : "");
  }

  /** Actions of the deciding policy that the subject may take on the resource, in policy order. */
  public Page<String> searchActions(AuthzenRequestParser.Search search) {
    String after = tokens.open('a', search.token(), search.binding());
    AccessRequest base = search.request();
    String facility = relations.dataset(base.resource().id()).map(f -> f.dataset().facility()).orElse(null);
    if (search.limit() == 0 || facility == null || !DecisionEngine.DATASET.equals(base.resource().type())) {
      return new Page<>(List.of(), "");
    }
    Policy policy = policies.forFacility(facility);
    List<String> actions = List.copyOf(policy.actions());
    int start = 0;
    if (!after.isEmpty()) {
      try {
        start = Integer.parseInt(after) + 1;
      } catch (NumberFormatException e) {
        throw AuthzenException.badRequest("page.token is not a token this PDP issued");
      }
    }
    List<String> results = new ArrayList<>();
    int i = start;
    for (; i < actions.size() && results.size() < search.limit(); i++) {
      if (engine.decide(base.withAction(actions.get(i))).permit()) {
        results.add(actions.get(i));
      }
    }
    return new Page<>(results, i < actions.size() ? tokens.seal('a', Integer.toString(i - 1), search.binding()) : "");
  }
}
