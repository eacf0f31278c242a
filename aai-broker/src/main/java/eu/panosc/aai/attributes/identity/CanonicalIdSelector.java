package eu.panosc.aai.attributes.identity;

import eu.panosc.aai.attributes.scope.IdpScope;
import eu.panosc.platform.input.Input;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Picks the canonical user id of a login from the first configured {@link UserIdSource} that gives a usable
 * one. Checks: exactly one value; subject-id and pairwise-id follow the profile's syntax and, like
 * eduPersonUniqueId, carry a scope among the IdP's {@code shibmd:Scope}s; a NameID counts only with the
 * persistent format; every id fits the platform's identifier rule ({@link Input#isClean}, 512 characters).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml-subject-id-attr/v1.0/saml-subject-id-attr-v1.0.html">SAML
 *     V2.0 Subject Identifier Attributes Profile 1.0 §3</a>
 */
public final class CanonicalIdSelector {
  /** SAML 2.0 Core §8.3.7. */
  public static final String PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
  /** Subject identifier profile §3.3.1 / §3.4.1 value syntax. */
  private static final Pattern SUBJECT_SYNTAX =
      Pattern.compile("[0-9A-Za-z][-=0-9A-Za-z]{0,126}@[0-9A-Za-z][-.0-9A-Za-z]{0,126}");
  private static final Pattern NO_SPACE = Pattern.compile("\\S+");

  private final List<UserIdSource> order;

  public CanonicalIdSelector(List<UserIdSource> order) {
    if (Objects.requireNonNull(order, "order").isEmpty()) {
      throw new IllegalArgumentException("at least one user id source is needed");
    }
    this.order = List.copyOf(order);
  }

  public List<UserIdSource> order() {
    return order;
  }

  /**
   * The canonical id from the first source that gives one.
   *
   * @throws NoUsableUserIdException naming each source tried and why it gave none
   */
  public CanonicalUserId select(IdentityEvidence evidence) {
    List<String> tried = new ArrayList<>();
    for (UserIdSource source : order) {
      String problem;
      Optional<String> id;
      try {
        id = Optional.of(candidate(source, evidence));
        problem = null;
      } catch (Unusable u) {
        id = Optional.empty();
        problem = u.getMessage();
      }
      if (id.isPresent()) {
        if (Input.isClean(id.get(), Input.MAX_ID)) {
          return new CanonicalUserId(id.get(), source);
        }
        problem = "the value is longer than " + Input.MAX_ID + " characters or contains control characters";
      }
      tried.add(source.configName() + ": " + problem);
    }
    throw new NoUsableUserIdException(tried);
  }

  private static final class Unusable extends Exception {
    Unusable(String message) {
      super(message, null, false, false);
    }
  }

  private static String candidate(UserIdSource source, IdentityEvidence e) throws Unusable {
    return switch (source) {
      case SUBJECT_ID, PAIRWISE_ID -> {
        String v = single(e.samlValues(source.samlName()));
        if (!SUBJECT_SYNTAX.matcher(v).matches()) {
          throw new Unusable("the value does not follow the profile's syntax (local@scope)");
        }
        yield scoped(v, e.scopes());
      }
      case EDUPERSON_UNIQUE_ID -> {
        List<String> values = new ArrayList<>(e.samlValues(source.samlName()));
        values.addAll(e.claimValues(source.claim()));
        String v = single(values);
        if (!NO_SPACE.matcher(v).matches()) {
          throw new Unusable("the value contains white space");
        }
        yield scoped(v, e.scopes());
      }
      case VOPERSON_ID -> {
        List<String> values = new ArrayList<>(e.samlValues(source.samlName()));
        values.addAll(e.claimValues(source.claim()));
        String v = single(values);
        if (!NO_SPACE.matcher(v).matches()) {
          throw new Unusable("the value contains white space");
        }
        yield v;
      }
      case PERSISTENT_NAME_ID -> {
        if (e.nameIdValue() == null || e.nameIdValue().isBlank()) {
          throw new Unusable("no NameID");
        }
        if (!PERSISTENT.equals(e.nameIdFormat())) {
          throw new Unusable("the NameID is not persistent (format " + (e.nameIdFormat() == null ? "unspecified"
              : e.nameIdFormat()) + ")");
        }
        yield e.issuer() + "!" + e.nameIdValue();
      }
      case OIDC_SUB -> {
        String v = single(e.claimValues(source.claim()));
        yield e.issuer() + "!" + v;
      }
    };
  }

  private static String single(List<String> values) throws Unusable {
    List<String> present = values.stream().filter(v -> v != null && !v.isEmpty()).distinct().toList();
    if (present.isEmpty()) {
      throw new Unusable("not released");
    }
    if (present.size() > 1) {
      throw new Unusable(present.size() + " values where one is allowed");
    }
    return present.getFirst();
  }

  private static String scoped(String value, List<IdpScope> scopes) throws Unusable {
    Optional<String> scope = IdpScope.scopeOf(value);
    if (scope.isEmpty()) {
      throw new Unusable("the value has no scope (local@scope)");
    }
    if (!IdpScope.valueMatches(scope.get(), scopes)) {
      throw new Unusable("its scope " + scope.get() + " is not among the IdP's shibmd:Scope values");
    }
    return value;
  }
}
