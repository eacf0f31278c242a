package eu.panosc.keycloak.usage;

import java.io.IOException;
import java.time.Instant;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Writes each login and token event as a usage record to the realm's on-disk queue before the request goes on
 * (forced to disk); {@link UsageShipper} sends them to metrics-accounting. The user is the federation's id:
 * the user attribute {@code federation-id-attribute} when set, else the subject the upstream identity provider
 * {@code identity-provider} (the aai-broker: a pairwise id) gave, else Keycloak's own user id (a local user);
 * never an e-mail address. Service accounts carry no user.
 */
public final class UsageEventListenerProvider implements EventListenerProvider {
  private static final Logger LOG = Logger.getLogger(UsageEventListenerProvider.class);

  private final KeycloakSession session;
  private final UsageEventListenerProviderFactory factory;

  UsageEventListenerProvider(KeycloakSession session, UsageEventListenerProviderFactory factory) {
    this.session = session;
    this.factory = factory;
  }

  @Override
  public void onEvent(Event event) {
    UsageSettings s = factory.settings();
    if (s == null || s.facility() == null || event.getType() == null
        || !s.eventTypes().contains(event.getType().name())) {
      return;
    }
    RealmModel realm = event.getRealmId() == null ? null : session.realms().getRealm(event.getRealmId());
    String realmName = realm != null ? realm.getName() : event.getRealmName();
    String user = realm == null ? null : federationId(realm, event.getUserId(), s);
    String line = UsageRecords.line(new UsageRecords.UsageEvent(event.getId(), event.getType().name(),
        Instant.ofEpochMilli(event.getTime()), realmName, event.getClientId(), event.getSessionId(), user),
        s.source(), s.facility());
    if (line == null) {
      return;
    }
    try {
      if (!factory.outbox().append(realmName, line)) {
        factory.queueFull(realmName);
      }
    } catch (IOException e) {
      LOG.errorf("usage records: cannot write to the queue of realm %s: %s", realmName, e.getMessage());
    }
  }

  private String federationId(RealmModel realm, String userId, UsageSettings s) {
    if (userId == null) {
      return null;
    }
    UserModel user = session.users().getUserById(realm, userId);
    if (user == null) {
      return null;
    }
    if (user.getServiceAccountClientLink() != null) {
      return null;
    }
    String attribute = user.getFirstAttribute(s.federationIdAttribute());
    if (attribute != null && !attribute.isBlank()) {
      return attribute;
    }
    FederatedIdentityModel link = session.users().getFederatedIdentity(realm, user, s.identityProvider());
    if (link != null && link.getUserId() != null) {
      return link.getUserId();
    }
    return user.getId();
  }

  @Override
  public void onEvent(AdminEvent event, boolean includeRepresentation) {
    // admin events are not usage
  }

  @Override
  public void close() {}
}
