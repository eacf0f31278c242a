package eu.panosc.keycloak.dataset;

import eu.panosc.keycloak.pdp.PdpClient;
import eu.panosc.keycloak.pdp.PdpSettings;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Whether a user may read each of some datasets, as the PDP decides (AuthZEN evaluation, action {@code read}, the
 * user's pairwise {@code sub} from the link to the federation identity provider). Shared by the client-policy
 * executor (token requests) and the authenticator (browser flow). Fails closed.
 */
final class DatasetAccess {
  private static final Logger LOG = Logger.getLogger(DatasetAccess.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  /** PDP clients by settings, so the client-credentials token is reused across requests. */
  private static final Map<PdpSettings, PdpClient> CLIENTS = new ConcurrentHashMap<>();

  private DatasetAccess() {
  }

  /** The outcome: allowed, or why not (with the first dataset refused). */
  enum Verdict {
    ALLOWED, DENIED, NOT_FEDERATED, UNAVAILABLE
  }

  record Outcome(Verdict verdict, Optional<String> dataset) {
  }

  static Outcome check(KeycloakSession session, RealmModel realm, UserModel user, String identityProvider,
      PdpSettings settings, Collection<String> datasets) {
    FederatedIdentityModel link = session.users().getFederatedIdentity(realm, user, identityProvider);
    if (link == null || link.getUserId() == null) {
      return new Outcome(Verdict.NOT_FEDERATED, Optional.empty());
    }
    PdpClient client = CLIENTS.computeIfAbsent(settings, s -> new PdpClient(s, HTTP, Clock.systemUTC()));
    Instant deadline = Instant.now().plus(settings.budget());
    for (String pid : datasets) {
      try {
        if (!client.evaluate(link.getUserId(), "read", pid, deadline)) {
          return new Outcome(Verdict.DENIED, Optional.of(pid));
        }
      } catch (PdpClient.PdpUnavailable e) {
        LOG.warnf("dataset check for user %s unavailable: %s", user.getId(), e.getMessage());
        return new Outcome(Verdict.UNAVAILABLE, Optional.of(pid));
      }
    }
    return new Outcome(Verdict.ALLOWED, Optional.empty());
  }
}
