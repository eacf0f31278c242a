package eu.panosc.aai.saml.slo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Single Logout messages: decodes and verifies them on a worker thread with the signing keys of their issuer
 * as the metadata sources hold it now. When the issuer is not held (an IdP evicted from an MDQ cache since the login),
 * its metadata is looked up again without blocking ({@code fetch}, e.g. over MDQ) and the message decoded once more
 * with it, instead of being refused; an issuer still unknown, or one without a SingleLogoutService to answer at, is
 * refused as {@link SloReason#UNKNOWN_ISSUER}.
 */
final class LogoutReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(LogoutReceiver.class);

  private final Vertx vertx;
  private final Function<String, Optional<SingleLogout.Idp>> idps;
  private final Function<String, Future<Optional<SingleLogout.Idp>>> fetch;

  LogoutReceiver(Vertx vertx, Function<String, Optional<SingleLogout.Idp>> idps,
      Function<String, Future<Optional<SingleLogout.Idp>>> fetch) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.idps = Objects.requireNonNull(idps, "idps");
    this.fetch = Objects.requireNonNull(fetch, "fetch");
  }

  /** A message received over HTTP-Redirect (the raw query). */
  Future<LogoutMessage> redirect(String rawQuery) {
    return verified(keys -> LogoutCodec.redirect(rawQuery, keys));
  }

  /** A message received over HTTP-POST ({@code SAMLRequest} or {@code SAMLResponse}). */
  Future<LogoutMessage> post(String parameter, String value, String relayState) {
    return verified(keys -> LogoutCodec.post(parameter, value, relayState, keys));
  }

  private Future<LogoutMessage> verified(
      Function<Function<String, Optional<List<X509Certificate>>>, LogoutMessage> decode) {
    AtomicReference<String> missing = new AtomicReference<>();
    return vertx.executeBlocking(() -> decode.apply(issuer -> {
      Optional<List<X509Certificate>> keys = keysOf(idps.apply(issuer));
      if (keys.isEmpty()) {
        missing.set(issuer);
      }
      return keys;
    }), false).recover(e -> {
      String issuer = missing.get();
      if (issuer == null || !(e instanceof SloRefusedException r) || r.reason() != SloReason.UNKNOWN_ISSUER) {
        return Future.failedFuture(e);
      }
      Future<Optional<SingleLogout.Idp>> lookup;
      try {
        lookup = fetch.apply(issuer);
      } catch (RuntimeException f) {
        lookup = Future.failedFuture(f);
      }
      return lookup.recover(f -> {
        LOG.warn("the metadata of logout message issuer {} could not be fetched again: {}",
            LogoutCodec.printable(issuer), f.toString());
        return Future.succeededFuture(Optional.empty());
      }).compose(fetched -> keysOf(fetched).isEmpty() ? Future.failedFuture(e)
          : vertx.executeBlocking(() -> decode.apply(i -> i.equals(issuer) ? keysOf(fetched)
              : keysOf(idps.apply(i))), false));
    });
  }

  /** The signing keys of an IdP we can answer (one with a SingleLogoutService). */
  private static Optional<List<X509Certificate>> keysOf(Optional<SingleLogout.Idp> idp) {
    return idp.filter(i -> i.sloUrl() != null).map(i -> i.signingCertificates().get());
  }
}
