package eu.panosc.aai.device;

import eu.panosc.aai.oauth.AuthenticatedClient;
import eu.panosc.aai.oauth.Grant;
import eu.panosc.aai.protocol.OAuthError;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.token.TokenResponse;
import eu.panosc.aai.token.UserTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.Objects;

/**
 * RFC 8628 §3.4–3.5: the device polls with its device code. Until the person decides: {@code authorization_pending}
 * (or {@code slow_down} when it polls faster than its interval, which then grows by 5 s); after a deny
 * {@code access_denied}; after expiry {@code expired_token}; once approved, the user's tokens exactly as the code
 * flow issues them (pairwise {@code sub}, ID token with {@code openid}, refresh token when registered), once. An
 * unknown or used device code, or one issued to another client, is {@code invalid_grant}. Public clients may
 * poll (possession of the 256-bit device code is the proof).
 */
public final class DeviceCodeGrant implements Grant {
  public static final String TYPE = "urn:ietf:params:oauth:grant-type:device_code";

  private final DeviceCodes devices;
  private final GrantStore grants;
  private final UserTokenIssuer issuer;

  public DeviceCodeGrant(DeviceCodes devices, GrantStore grants, UserTokenIssuer issuer) {
    this.devices = Objects.requireNonNull(devices, "devices");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public boolean allowsPublicClients() {
    return true;
  }

  @Override
  public Future<TokenResponse> handle(AuthenticatedClient client, MultiMap form) {
    String deviceCode = form.get("device_code");
    if (deviceCode == null || deviceCode.isEmpty()) {
      return Future.failedFuture(OAuthError.invalidRequest("device_code is required"));
    }
    return devices.poll(deviceCode, client.clientId()).compose(poll -> switch (poll) {
      case DeviceCodes.UnknownCode u -> Future.failedFuture(OAuthError.invalidGrant("the device code is not valid"));
      case DeviceCodes.OtherClient o ->
          Future.failedFuture(OAuthError.invalidGrant("the device code was issued to another client"));
      case DeviceCodes.AlreadyRedeemed r ->
          Future.failedFuture(OAuthError.invalidGrant("the device code was already used"));
      case DeviceCodes.ExpiredCode e -> Future.failedFuture(OAuthError.expiredToken(
          "the device code has expired; start again with a new device authorization request"));
      case DeviceCodes.Denied d -> Future.failedFuture(OAuthError.accessDenied("the person denied the request"));
      case DeviceCodes.SlowDown s -> Future.failedFuture(OAuthError.pollingTooFast(
          "polling too fast; wait at least " + s.interval() + " seconds between requests"));
      case DeviceCodes.StillPending p -> Future.failedFuture(OAuthError.authorizationPending(
          "the person has not yet approved the request; poll again in " + p.interval() + " seconds"));
      case DeviceCodes.Approved a -> grants.family(a.familyId()).compose(family -> {
        if (family.isEmpty() || family.get().revoked()) {
          return Future.failedFuture(OAuthError.invalidGrant("the grant was revoked"));
        }
        GrantStore.Family f = family.get();
        return issuer.issue(client.registered(), f, f.scopes(), null);
      });
    });
  }
}
