package eu.panosc.aai.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Canonical users in {@code aai.app_user}: keyed on the upstream identity's canonical id, with the
 * attributes of their latest login and the times of their first and last login; a registered user also has the
 * terms-of-use version they accepted and whether their e-mail address is the verified one of their IdP.
 */
public interface Users {
  /** A stored user. */
  record User(String id, JsonObject attributes) {}

  /** Records a login: creates the user on first login, else refreshes attributes and last login. */
  Future<User> recordLogin(UpstreamIdentity identity);

  Future<Optional<User>> find(String id);

  /** The terms-of-use version the user accepted when registering; empty when unknown or not registered. */
  Future<Optional<String>> acceptedTerms(String id);

  /**
   * Registers the user (first login, or the terms of use changed): creates or updates them with the name and e-mail
   * the person confirmed ({@code emailVerified}: the identity provider's address, unchanged), the accepted terms
   * version and now. Later logins keep the confirmed name and e-mail.
   */
  Future<User> register(UpstreamIdentity identity, boolean emailVerified, String termsVersion);
}
