package eu.panosc.aai.oidc;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the broker's upstream OPs come from: configuration ({@link #fixed}) and the federation-registry
 * ({@link RegistryOidcUpstreams}). {@link #current} is what is known now (the discovery page, logout, token exchange);
 * {@link #usable} asks afresh whether one may be used for a sign-in right now (a suspended registry member may not).
 */
public interface OidcUpstreams {
  /** The upstreams known now, configured ones first. */
  List<OidcUpstream> current();

  /**
   * The upstream {@code id} if a sign-in may go through it now: configured, or approved in the registry. Empty when it
   * is unknown or withdrawn; fails when that cannot be told (the registry unreachable, its secret unresolvable).
   */
  Future<Optional<OidcUpstream>> usable(String id);

  /** Exactly {@code upstreams}, always usable. */
  static OidcUpstreams fixed(List<OidcUpstream> upstreams) {
    Map<String, OidcUpstream> byId = new LinkedHashMap<>();
    for (OidcUpstream u : upstreams) {
      if (byId.putIfAbsent(u.id(), u) != null) {
        throw new IllegalArgumentException("OIDC upstream " + u.id() + " given twice");
      }
    }
    List<OidcUpstream> all = List.copyOf(byId.values());
    return new OidcUpstreams() {
      @Override
      public List<OidcUpstream> current() {
        return all;
      }

      @Override
      public Future<Optional<OidcUpstream>> usable(String id) {
        return Future.succeededFuture(Optional.ofNullable(id == null ? null : byId.get(id)));
      }
    };
  }
}
