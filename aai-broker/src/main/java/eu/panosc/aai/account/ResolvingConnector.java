package eu.panosc.aai.account;

import eu.panosc.aai.user.PasswordConnector;
import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Optional;

/**
 * A password connector whose logins come out as their users: an identity linked to a user signs in as that user (for
 * sign-ins outside the authorization endpoint, such as the device flow's verification page).
 */
public final class ResolvingConnector implements PasswordConnector {
  private final PasswordConnector connector;
  private final Identities identities;

  public ResolvingConnector(PasswordConnector connector, Identities identities) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.identities = Objects.requireNonNull(identities, "identities");
  }

  @Override
  public String id() {
    return connector.id();
  }

  @Override
  public String displayName() {
    return connector.displayName();
  }

  @Override
  public Future<Optional<UpstreamIdentity>> login(String username, String password) {
    return connector.login(username, password).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(found);
      }
      UpstreamIdentity i = found.get();
      return identities.owner(i.userId()).map(owner -> Optional.of(owner.filter(o -> !o.equals(i.userId()))
          .map(o -> new UpstreamIdentity(o, i.displayName(), i.email(), i.entitlements(), i.assurance(), i.acr(),
              i.amr()))
          .orElse(i)));
    });
  }
}
