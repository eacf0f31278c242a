package eu.panosc.broker.api;

import eu.panosc.broker.BrokerPlatform;
import io.vertx.core.json.JsonObject;

/** Lets tests of other packages wait for a session's state as {@link BrokerApiIT} does. */
public final class BrokerApiITAccess {
  private BrokerApiITAccess() {}

  public static JsonObject awaitState(BrokerPlatform on, String id, String token, String state)
      throws InterruptedException {
    return BrokerApiIT.awaitStateOn(on, id, token, state);
  }
}
