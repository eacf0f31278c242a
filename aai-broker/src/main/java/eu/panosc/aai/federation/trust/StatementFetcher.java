package eu.panosc.aai.federation.trust;

import io.vertx.core.Future;

/** How statements are fetched: an entity configuration, and a superior's statement about a subordinate. */
public interface StatementFetcher {
  /** The compact JWT at {@code <entityId>/.well-known/openid-federation}. */
  Future<String> entityConfiguration(String entityId);

  /** The compact JWT {@code fetchEndpoint} answers for {@code sub} (§8.1.1). */
  Future<String> subordinateStatement(String fetchEndpoint, String sub);
}
