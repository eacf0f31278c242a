package eu.panosc.registry.federation;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.registry.oidfed.SubordinateSource;
import eu.panosc.registry.oidfed.TrustMarkIssuer;
import eu.panosc.registry.oidfed.TrustMarkStore;
import eu.panosc.registry.oidfed.TrustMarkStore.TrustMarkRecord;
import eu.panosc.registry.store.StoreException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Trust mark administration, behind {@code /admin/v1/trust-marks}: lists, issues and revokes the trust anchor's trust
 * marks. Refusals are domain errors, mapped to HTTP by the admin endpoint: a bad value is an
 * {@link InvalidInputException} naming the field, a subject that is no approved member a
 * {@link StoreException#invalidField} of {@code /sub}, an unknown trust mark a {@link StoreException#notFound}.
 * Status and listing for relying parties are the OpenID Federation endpoints.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-7">OpenID Federation 1.0 §7, Trust Marks</a>
 */
public final class TrustMarkAdmin {
  /** Lifetime of an issued trust mark when none is asked for, and its bounds, in days. */
  public static final int DEFAULT_LIFETIME_DAYS = 365;
  public static final int MAX_LIFETIME_DAYS = 3650;
  /** Longest subject (an entity id) accepted. */
  public static final int MAX_SUB = 2048;

  private final TrustMarkIssuer issuer;
  private final TrustMarkStore store;
  private final SubordinateSource subordinates;
  private final Set<String> types;

  public TrustMarkAdmin(TrustMarkIssuer issuer, TrustMarkStore store, SubordinateSource subordinates, Set<String> types) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.store = Objects.requireNonNull(store, "store");
    this.subordinates = Objects.requireNonNull(subordinates, "subordinates");
    this.types = Set.copyOf(types);
  }

  /** Trust marks, optionally of one type and/or about one subject. */
  public Future<List<TrustMarkRecord>> list(String type, String sub) {
    return store.list(type, sub);
  }

  /**
   * Issues a trust mark of {@code type} about the approved member {@code sub}, valid {@code lifetimeDays}.
   *
   * @param lifetimeDays 1 to {@value #MAX_LIFETIME_DAYS}
   */
  public Future<TrustMarkRecord> issue(String sub, String type, int lifetimeDays) {
    try {
      Input.id("/sub", sub, MAX_SUB);
      if (!types.contains(type)) {
        throw new InvalidInputException("/type", "must be one of " + String.join(", ", types.stream().sorted().toList()));
      }
      if (lifetimeDays < 1 || lifetimeDays > MAX_LIFETIME_DAYS) {
        throw new InvalidInputException("/lifetimeDays", "must be an integer between 1 and " + MAX_LIFETIME_DAYS);
      }
    } catch (InvalidInputException e) {
      return Future.failedFuture(e);
    }
    return subordinates.approved(sub)
        .compose(found -> found.isPresent() ? issuer.issue(sub, type, Duration.ofDays(lifetimeDays), null, null)
            : Future.failedFuture(StoreException.invalidField("/sub",
                "no approved federation member has entity id '" + sub + "'")));
  }

  /** Revokes the trust mark {@code id}; fails with {@link StoreException#notFound} when there is none. */
  public Future<Void> revoke(String id) {
    return issuer.revoke(id).compose(found -> found ? Future.succeededFuture()
        : Future.failedFuture(StoreException.notFound("no trust mark '" + id + "'")));
  }
}
