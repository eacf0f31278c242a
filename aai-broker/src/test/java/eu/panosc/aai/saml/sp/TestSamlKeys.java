package eu.panosc.aai.saml.sp;

import com.nimbusds.jose.jwk.KeyUse;
import eu.panosc.platform.keys.InMemoryKeyStorage;
import eu.panosc.platform.keys.RotatingSigningKeys;
import java.time.Clock;
import java.time.Duration;

/** Rotating SAML keys in memory for tests (RSA generation is slow: each set is made once per test run). */
public final class TestSamlKeys {
  private static SamlKeys signing;
  private static SamlKeys encryption;
  private static SamlKeys other;

  private TestSamlKeys() {}

  public static synchronized SamlKeys signing() {
    if (signing == null) {
      signing = create("sp.test", KeyUse.SIGNATURE);
    }
    return signing;
  }

  public static synchronized SamlKeys encryption() {
    if (encryption == null) {
      encryption = create("sp.test", KeyUse.ENCRYPTION);
    }
    return encryption;
  }

  /** A signing key set nobody trusts. */
  public static synchronized SamlKeys other() {
    if (other == null) {
      other = create("attacker.test", KeyUse.SIGNATURE);
    }
    return other;
  }

  public static RotatingSigningKeys rotating(String cn, KeyUse use, Clock clock) {
    return RotatingSigningKeys.open(new InMemoryKeyStorage(), clock, Duration.ofDays(30), Duration.ofDays(2),
        new SamlKeyType(cn, use, clock), null).await();
  }

  private static SamlKeys create(String cn, KeyUse use) {
    return new SamlKeys(rotating(cn, use, Clock.systemUTC()));
  }
}
