package eu.panosc.registry.model;

import java.util.Locale;

/**
 * Onboarding state of a member: registered members start {@code pending}; only {@code approved} ones
 * appear in any published metadata; {@code suspended} ones are withdrawn until approved again.
 */
public enum OnboardingState {
  PENDING, APPROVED, SUSPENDED;

  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OnboardingState ofDb(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /**
   * Whether an administrator may move a member from this state to {@code target}. A pending member was never
   * published, so there is nothing to suspend: it is approved or deleted.
   */
  public boolean canMoveTo(OnboardingState target) {
    return switch (this) {
      case PENDING -> target == APPROVED;
      case APPROVED -> target == SUSPENDED;
      case SUSPENDED -> target == APPROVED;
    };
  }
}
