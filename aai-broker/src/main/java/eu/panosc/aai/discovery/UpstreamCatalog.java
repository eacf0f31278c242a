package eu.panosc.aai.discovery;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ways to sign in a login connector offers, for the discovery page. Each kind of connector (the demo password form,
 * the SAML upstreams, an OIDC upstream) contributes its own catalog; {@link #of} joins them, so a new connector appears
 * on the page by adding its catalog to the list, without the page knowing it.
 */
public interface UpstreamCatalog {
  /** The upstreams to offer now. A catalog that cannot answer right now answers what it can (never fails the page). */
  Future<List<LoginUpstream>> upstreams();

  /** Nothing to offer. */
  UpstreamCatalog NONE = () -> Future.succeededFuture(List.of());

  /**
   * The catalogs together, in order; a key offered twice is offered once (the first); a catalog that fails is left out
   * of this answer.
   */
  static UpstreamCatalog of(List<UpstreamCatalog> catalogs) {
    List<UpstreamCatalog> all = List.copyOf(catalogs);
    return () -> {
      List<Future<List<LoginUpstream>>> answers = new ArrayList<>();
      for (UpstreamCatalog c : all) {
        answers.add(c.upstreams().otherwise(List.of()));
      }
      return Future.join(answers).otherwise(v -> null).map(v -> {
        Map<String, LoginUpstream> byKey = new LinkedHashMap<>();
        for (Future<List<LoginUpstream>> f : answers) {
          if (f.succeeded()) {
            f.result().forEach(u -> byKey.putIfAbsent(u.key(), u));
          }
        }
        return List.copyOf(byKey.values());
      });
    };
  }
}
