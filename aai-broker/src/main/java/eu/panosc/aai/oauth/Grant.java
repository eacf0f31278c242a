package eu.panosc.aai.oauth;

import eu.panosc.aai.token.TokenResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/**
 * One grant type of the token endpoint. The endpoint authenticates the client, applies its rate limit and
 * checks that the client is registered for this grant before calling {@link #handle}; a grant only
 * validates its own parameters and issues tokens. Errors are {@link OAuthError}s.
 */
public interface Grant {
  /** The {@code grant_type} value, e.g. {@code client_credentials}. */
  String type();

  /** Whether a public client (no secret; PKCE instead) may use this grant. */
  default boolean allowsPublicClients() {
    return false;
  }

  Future<TokenResponse> handle(AuthenticatedClient client, MultiMap form);

  /**
   * The scope tokens of a {@code scope} parameter (RFC 6749 §3.3: separated by spaces), as
   * {@code scope.trim().split(" +")} gives them, without compiling a regular expression per request.
   */
  static List<String> scopeTokens(String scope) {
    String s = scope.trim();
    List<String> out = new ArrayList<>(4);
    int start = 0;
    while (start < s.length()) {
      int end = s.indexOf(' ', start);
      if (end < 0) {
        end = s.length();
      }
      if (end > start) {
        out.add(s.substring(start, end));
      }
      start = end + 1;
    }
    if (out.isEmpty()) {
      out.add("");   // as split: a blank value is one empty token
    }
    return out;
  }
}
