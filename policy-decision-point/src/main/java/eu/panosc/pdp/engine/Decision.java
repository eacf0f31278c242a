package eu.panosc.pdp.engine;

/**
 * The engine's answer with its reasons: the deciding rule and relation (for administrators), a
 * sentence for the user, and the error when the request could not be evaluated (always a deny).
 */
public record Decision(boolean permit, String policy, String rule, String relation, String reasonUser,
    int errorStatus, String errorMessage) {

  static Decision error(String policy, String rule, int status, String message, String reasonUser) {
    return new Decision(false, policy, rule, "error", reasonUser, status, message);
  }

  public boolean failed() {
    return errorStatus != 0;
  }
}
