package eu.panosc.accounting.export.eosc;

import io.vertx.core.Future;

/** Where the push's bearer token for the EOSC Accounting Service comes from. Tokens are never logged. */
public interface TokenSource {
  /** A token to send now. */
  Future<String> token();

  /** The service refused the last token (401): get a fresh one next time. */
  void invalidate();
}
