package eu.panosc.aai.oauth;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/** A client that proved who it is at the token endpoint, with its registry document. */
public record AuthenticatedClient(String clientId, JsonObject document) {
  public AuthenticatedClient {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(document, "document");
  }

  public List<String> grantTypes() {
    return document.getJsonArray("grantTypes").stream().map(String::valueOf).toList();
  }

  public List<String> scopes() {
    return document.getJsonArray("scopes").stream().map(String::valueOf).toList();
  }
}
