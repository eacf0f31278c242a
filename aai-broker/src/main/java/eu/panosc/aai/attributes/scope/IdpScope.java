package eu.panosc.aai.attributes.scope;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code <shibmd:Scope>} of an IdP's metadata: a literal domain, or (with {@code regexp="true"}) a regular
 * expression that a whole scope must match. A literal compares without regard to ASCII case (scopes are DNS
 * domains); a regular expression that does not compile matches nothing.
 *
 * @see <a href="https://shibboleth.atlassian.net/wiki/spaces/SC/pages/1912406916/ShibMetaExt+V1.0">ShibMetaExt
 *     V1.0</a>
 */
public record IdpScope(String value, boolean regexp, Optional<Pattern> pattern) {
  public IdpScope {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(pattern, "pattern");
  }

  /** A literal scope. */
  public static IdpScope literal(String value) {
    return new IdpScope(value, false, Optional.empty());
  }

  /** A regular-expression scope; one that does not compile matches nothing. */
  public static IdpScope regexp(String value) {
    Optional<Pattern> p;
    try {
      p = Optional.of(Pattern.compile(value));
    } catch (PatternSyntaxException e) {
      p = Optional.empty();
    }
    return new IdpScope(value, true, p);
  }

  /** Whether {@code scope} (a domain, e.g. the part after {@code @}) is this scope. */
  public boolean matches(String scope) {
    if (scope == null || scope.isEmpty()) {
      return false;
    }
    if (!regexp) {
      return value.toLowerCase(Locale.ROOT).equals(scope.toLowerCase(Locale.ROOT));
    }
    return pattern.map(p -> p.matcher(scope).matches()).orElse(false);
  }

  /**
   * The scope of a scoped value {@code local@scope}: exactly one {@code @}, both parts non-empty; else empty.
   */
  public static Optional<String> scopeOf(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int at = value.indexOf('@');
    if (at <= 0 || at != value.lastIndexOf('@') || at == value.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(value.substring(at + 1));
  }

  /** Whether the scope of {@code scopedValue} matches one of {@code scopes}. */
  public static boolean scopeMatches(String scopedValue, java.util.List<IdpScope> scopes) {
    return scopeOf(scopedValue).map(s -> valueMatches(s, scopes)).orElse(false);
  }

  /** Whether {@code value} itself is one of {@code scopes} (e.g. schacHomeOrganization). */
  public static boolean valueMatches(String value, java.util.List<IdpScope> scopes) {
    for (IdpScope scope : scopes) {
      if (scope.matches(value)) {
        return true;
      }
    }
    return false;
  }
}
