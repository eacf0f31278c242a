package eu.panosc.aai.saml.validate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * Validation plus one-time use: validates on a worker thread (parsing and RSA block), then records the assertion in
 * the {@link ReplayCache} until its expiry plus the allowed skew (as long as a validator would still accept it). Fails
 * only with {@link SamlRejectedException}: {@link Reason#REPLAYED} for a second use, {@link
 * Reason#REPLAY_CACHE_UNAVAILABLE} when one-time use cannot be checked (the login is refused, not waved through).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.5</a>
 */
public final class SamlResponseConsumer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SamlResponseConsumer.class);
  private final Vertx vertx;
  private final SamlResponseValidator validator;
  private final ReplayCache replayCache;

  public SamlResponseConsumer(Vertx vertx, SamlResponseValidator validator, ReplayCache replayCache) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.replayCache = Objects.requireNonNull(replayCache, "replayCache");
  }

  /** Validates {@code posted} (the base64 SAMLResponse) against {@code expected} and uses its assertion once. */
  public Future<ValidatedLogin> consume(byte[] posted, Expectation expected) {
    return vertx.<ValidatedLogin>executeBlocking(() -> validator.validate(posted, expected), false)
        .compose(login -> replayCache
            .firstUse(login.idpEntityId(), login.assertionId(),
                login.assertionNotOnOrAfter().plus(expected.allowedSkew()))
            .recover(e -> {
              LOG.warn("the SAML replay cache failed ({}); refusing assertion {} of {}", e.toString(),
                  login.assertionId(), login.idpEntityId());
              return Future.failedFuture(new SamlRejectedException(Reason.REPLAY_CACHE_UNAVAILABLE,
                  "assertion " + login.assertionId() + " could not be checked for reuse; try logging in again"));
            })
            .compose(first -> first ? Future.succeededFuture(login)
                : Future.failedFuture(new SamlRejectedException(Reason.REPLAYED, "assertion " + login.assertionId()
                    + " from " + login.idpEntityId() + " was used before (a replayed or re-posted response)"))))
        .onFailure(e -> {
          if (e instanceof SamlRejectedException r) {
            LOG.info("SAML response refused: {}", r.getMessage());
          }
        });
  }
}
