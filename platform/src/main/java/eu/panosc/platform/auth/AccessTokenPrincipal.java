package eu.panosc.platform.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The caller behind a verified JWT access token.
 *
 * @param subject the {@code sub} claim
 * @param clientId the {@code client_id} claim, or {@code null} if absent
 * @param scopes granted scopes from {@code scope} (space-separated) and {@code scp} (array)
 * @param expiresAt the {@code exp} claim
 * @param claims all claims, as an immutable deep copy (times as epoch seconds)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2: Data Structure</a>
 */
public record AccessTokenPrincipal(
    String subject, String clientId, Set<String> scopes, Instant expiresAt, Map<String, Object> claims) {

  /** Key under which {@link BearerAuthHandler} stores the principal in the routing context. */
  public static final String CONTEXT_KEY = "panosc.auth.principal";

  public AccessTokenPrincipal {
    Objects.requireNonNull(subject, "subject");
    scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
    Objects.requireNonNull(expiresAt, "expiresAt");
    claims = immutableMap(Objects.requireNonNull(claims, "claims"));
  }

  /** Whether the token grants the given scope. */
  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  private static Map<String, Object> immutableMap(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(String.valueOf(k), immutableValue(v)));
    return Collections.unmodifiableMap(copy);
  }

  private static Object immutableValue(Object value) {
    if (value instanceof Map<?, ?> m) {
      return immutableMap(m);
    }
    if (value instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      l.forEach(v -> copy.add(immutableValue(v)));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
