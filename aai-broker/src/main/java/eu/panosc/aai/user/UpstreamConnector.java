package eu.panosc.aai.user;

/**
 * An upstream way to log in (the demo form today; UmbrellaID over SAML and eduTEAMS over OIDC later).
 * Each connector also implements one capability interface, such as {@link PasswordConnector}, and
 * returns one {@link UpstreamIdentity} per successful login.
 *
 * @see <a href="https://github.com/dexidp/dex/blob/master/connector/connector.go">dex connectors</a>
 */
public interface UpstreamConnector {
  /** Stable id, e.g. {@code demo}. */
  String id();

  /** What the login page calls it, e.g. {@code Demo users}. */
  String displayName();
}
