package eu.panosc.aai.device;

import eu.panosc.aai.oauth.AuthenticatedClient;
import eu.panosc.aai.oauth.ClientAuthenticator;
import eu.panosc.aai.oauth.TokenEndpoint;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.token.ServiceAudiences;
import eu.panosc.platform.http.FormBodies;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The device authorization endpoint, {@code POST /device_authorization} (RFC 8628 §3.1–3.2): a device without
 * a browser (e.g. {@code panosc login}) asks for a device code and a user code; the person enters the user code
 * at {@code verification_uri} ({@code /device}) and the device polls the token endpoint with the grant
 * {@value DeviceCodeGrant#TYPE}. Public clients identify themselves with {@code client_id}; confidential ones
 * authenticate as at the token endpoint. Errors are RFC 6749 §5.2 JSON.
 */
public final class DeviceAuthorizationEndpoint {
  private final ClientAuthenticator clients;
  private final DeviceCodes devices;
  private final ServiceAudiences audiences;
  private final String issuer;
  private final Clock clock;

  public DeviceAuthorizationEndpoint(ClientAuthenticator clients, DeviceCodes devices, ServiceAudiences audiences,
      String issuer, Clock clock) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.devices = Objects.requireNonNull(devices, "devices");
    this.audiences = Objects.requireNonNull(audiences, "audiences");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public void mount(Router router) {
    router.post("/device_authorization").handler(FormBodies.reader(16 * 1024))
        .handler(this::authorize);
  }

  private void authorize(RoutingContext ctx) {
    MultiMap form = TokenEndpoint.requireForm(ctx);
    clients.authenticate(ctx, true)
        .compose(client -> start(client, form))
        .onSuccess(started -> {
          String verification = issuer + "/device";
          String userCode = UserCodes.display(started.userCode());
          long expiresIn = Math.max(1, started.expiresAt().getEpochSecond() - clock.instant().getEpochSecond());
          JsonObject body = new JsonObject()
              .put("device_code", started.deviceCode())
              .put("user_code", userCode)
              .put("verification_uri", verification)
              .put("verification_uri_complete", verification + "?user_code="
                  + URLEncoder.encode(userCode, StandardCharsets.UTF_8))
              .put("expires_in", expiresIn)
              .put("interval", started.interval());
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Pragma", "no-cache").end(body.encode());
        })
        .onFailure(ctx::fail);
  }

  private Future<DeviceCodes.Started> start(AuthenticatedClient client, MultiMap form) {
    if (!client.grantTypes().contains(DeviceCodeGrant.TYPE)) {
      // RFC 8628 §3.2 / RFC 6749 §5.2
      return Future.failedFuture(OAuthError.unauthorizedClient("this client is not registered for the device flow ("
          + DeviceCodeGrant.TYPE + ")"));
    }
    String scope = form.get("scope");
    if (scope == null || scope.isBlank()) {
      // RFC 6749 §3.3: no default scope here, so the request fails
      return Future.failedFuture(OAuthError.invalidScope("scope is required (e.g. openid profile)"));
    }
    Set<String> scopes = new LinkedHashSet<>(List.of(scope.trim().split(" +")));
    for (String s : scopes) {
      if (!client.scopes().contains(s)) {
        return Future.failedFuture(OAuthError.invalidScope("scope " + s + " is not registered for this client"));
      }
    }
    List<String> aud;
    try {
      aud = audiences.forUser(client.registered(), scopes, form.getAll("resource"));
    } catch (OAuthError e) {
      return Future.failedFuture(e);
    }
    return devices.start(client.clientId(), List.copyOf(scopes), aud);
  }
}
