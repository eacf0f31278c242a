package eu.panosc.registry;

import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import eu.panosc.registry.admin.AdminEndpoint;
import eu.panosc.registry.admin.ChangeFeed;
import eu.panosc.registry.model.MemberValidator;
import eu.panosc.registry.store.PgRegistryStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Composition root of the federation-registry, mounted at {@code /registry}: the federation's members
 * (facilities, OIDC clients, resource servers, SAML entities, upstream IdPs, clusters) with onboarding
 * states and an audit trail; admin and read APIs; a change feed for {@link RegistryClient}s.
 */
public final class RegistryApplication implements ServiceModule {
  @Override
  public String name() {
    return "registry";
  }

  @Override
  public String title() {
    return "the federation's members, keys, trust marks and metadata";
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    AtomicReference<ChangeFeed> feed = new AtomicReference<>();
    PgRegistryStore store = new PgRegistryStore(context.pool(), context.clock(), ev -> feed.get().published(ev));
    feed.set(new ChangeFeed(context.vertx(), store));
    MemberValidator validator = new MemberValidator(context.demo(), RegistryApplication::samlMetadata);
    BearerAuth auth = context.bearerAuth();
    feed.get().mount(router, auth);
    new AdminEndpoint(store, validator, auth, context.demo()).mount(router);
    return context.demo() ? DemoSeed.seed(store, validator).mapEmpty() : Future.succeededFuture();
  }

  private static JsonObject samlMetadata(String xml) {
    throw ApiException.unavailable("SAML metadata import is not available yet");
  }
}
