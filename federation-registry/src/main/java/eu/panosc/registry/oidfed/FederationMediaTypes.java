package eu.panosc.registry.oidfed;

/**
 * Media types and JWT {@code typ} values of OpenID Federation 1.0.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-15.7">OpenID Federation 1.0 §15.7, Media Type Registration</a>
 */
public final class FederationMediaTypes {
  public static final String ENTITY_STATEMENT = "application/entity-statement+jwt";
  public static final String RESOLVE_RESPONSE = "application/resolve-response+jwt";
  public static final String TRUST_MARK = "application/trust-mark+jwt";
  public static final String TRUST_MARK_STATUS_RESPONSE = "application/trust-mark-status-response+jwt";
  public static final String JSON = "application/json";

  public static final String ENTITY_STATEMENT_TYP = "entity-statement+jwt";
  public static final String RESOLVE_RESPONSE_TYP = "resolve-response+jwt";
  public static final String TRUST_MARK_TYP = "trust-mark+jwt";
  public static final String TRUST_MARK_STATUS_RESPONSE_TYP = "trust-mark-status-response+jwt";

  private FederationMediaTypes() {}
}
