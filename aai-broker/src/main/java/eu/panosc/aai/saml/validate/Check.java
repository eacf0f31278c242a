package eu.panosc.aai.saml.validate;

/** One rule a SAML Response must satisfy; throws {@link SamlRejectedException} naming the rule when it does not. */
@FunctionalInterface
interface Check {
  void check(Inspection in);

  static SamlRejectedException reject(Reason reason, String message) {
    return new SamlRejectedException(reason, message);
  }
}
