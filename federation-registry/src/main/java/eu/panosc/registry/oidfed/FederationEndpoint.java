package eu.panosc.registry.oidfed;

import eu.panosc.platform.http.FormBodies;
import eu.panosc.platform.http.RequestIds;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the trust anchor's OpenID Federation routes on the registry router (served under the trust
 * anchor's Entity Identifier): the entity configuration, fetch, list, resolve, Trust Mark status,
 * Trust Marked Entities listing and Trust Mark endpoints. Every failure becomes a
 * {@link FederationException}, which the platform's failure handler renders as the spec's error JSON.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-8">OpenID Federation 1.0 §8, Federation Endpoints</a>
 */
public final class FederationEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(FederationEndpoint.class);
  private static final int MAX_FORM_BYTES = 64 * 1024;
  private final FederationService service;

  public FederationEndpoint(FederationService service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  public void mount(Router router) {
    router.get(TrustAnchorSettings.WELL_KNOWN).handler(ctx -> answer(ctx,
        p -> Future.succeededFuture(service.entityConfiguration()), FederationMediaTypes.ENTITY_STATEMENT));
    router.get(TrustAnchorSettings.FETCH).handler(ctx -> answer(ctx,
        p -> service.fetch(FederationRequestParser.required(p, "sub")), FederationMediaTypes.ENTITY_STATEMENT));
    router.get(TrustAnchorSettings.LIST).handler(ctx -> run(ctx,
        () -> service.list(FederationRequestParser.list(ctx.queryParams()))
            .onSuccess(ids -> FederationResponseWriter.ids(ctx, ids))));
    router.get(TrustAnchorSettings.RESOLVE).handler(ctx -> answer(ctx,
        p -> service.resolve(FederationRequestParser.resolve(p)), FederationMediaTypes.RESOLVE_RESPONSE));
    // OIDF 1.0 §8.4.1: the status request is a POST with a form-encoded trust_mark.
    router.post(TrustAnchorSettings.TRUST_MARK_STATUS).handler(FormBodies.reader(MAX_FORM_BYTES));
    router.post(TrustAnchorSettings.TRUST_MARK_STATUS).handler(ctx -> run(ctx, () -> {
      String type = ctx.request().getHeader("Content-Type");
      if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        throw FederationException.invalidRequest("Send trust_mark as application/x-www-form-urlencoded.");
      }
      MultiMap form;
      try {
        form = FormBodies.of(ctx);
      } catch (InvalidInputException e) {
        // OIDF 1.0 §8.9: invalid_request, the request is malformed.
        throw FederationException.invalidRequest("The form body is malformed: " + e.getMessage() + ".");
      }
      return service.trustMarks().status(FederationRequestParser.required(form, "trust_mark"))
          .onSuccess(jwt -> FederationResponseWriter.jwt(ctx, FederationMediaTypes.TRUST_MARK_STATUS_RESPONSE, jwt,
              "no-store"));
    }));
    router.get(TrustAnchorSettings.TRUST_MARK_LIST).handler(ctx -> run(ctx,
        () -> service.trustMarks().trustMarkedEntities(
                FederationRequestParser.required(ctx.queryParams(), "trust_mark_type"),
                FederationRequestParser.optional(ctx.queryParams(), "sub"))
            .onSuccess(ids -> FederationResponseWriter.ids(ctx, ids))));
    router.get(TrustAnchorSettings.TRUST_MARK).handler(ctx -> answer(ctx,
        p -> service.trustMarks().trustMark(FederationRequestParser.required(p, "trust_mark_type"),
            FederationRequestParser.required(p, "sub")), FederationMediaTypes.TRUST_MARK));
  }

  private static void answer(RoutingContext ctx, Function<MultiMap, Future<String>> op, String mediaType) {
    run(ctx, () -> op.apply(ctx.queryParams())
        .onSuccess(jwt -> FederationResponseWriter.jwt(ctx, mediaType, jwt, FederationResponseWriter.SHORT_CACHE)));
  }

  private static void run(RoutingContext ctx, java.util.function.Supplier<Future<?>> op) {
    Future<?> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onFailure(err -> {
      if (!(err instanceof FederationException)) {
        LOG.error("federation endpoint failure (rid={})", RequestIds.of(ctx), err);
      }
      ctx.fail(FederationException.of(err));
    });
  }
}
