package eu.panosc.registry.admin;

import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.RequestIds;
import eu.panosc.registry.federation.UpstreamImport;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/v1/upstream-idps/{id}/import} (scope {@code registry:admin}): runs {@link UpstreamImport} for
 * the upstream IdP {@code id} and answers what it imported; its refusals become problem+json ({@link StoreErrors}):
 * 404 unknown upstream, 409 an OpenID Connect upstream, 400 a refused feed (naming {@code /metadataUrl}), 503 a feed
 * that could not be fetched.
 */
public final class UpstreamImportEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamImportEndpoint.class);

  private final UpstreamImport imports;

  public UpstreamImportEndpoint(UpstreamImport imports) {
    this.imports = Objects.requireNonNull(imports, "imports");
  }

  public void mount(Router router, BearerAuth auth) {
    router.post("/admin/v1/upstream-idps/:id/import").handler(auth.requireScopes(AdminEndpoint.ADMIN_SCOPE))
        .handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    String id = AdminEndpoint.id(ctx);
    AccessTokenPrincipal p = BearerAuth.principal(ctx);
    imports.importFeed(id)
        .onSuccess(result -> {
          LOG.info("imported {} entities from upstream {} (by {}, rid={})", result.imported(), id,
              p.clientId() != null ? p.clientId() : p.subject(), RequestIds.of(ctx));
          ctx.json(result.toJson());
        })
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }
}
