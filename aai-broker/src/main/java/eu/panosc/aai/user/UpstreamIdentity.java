package eu.panosc.aai.user;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * Who an upstream login says the person is: the canonical user id (never an e-mail address), display
 * name, e-mail, AARC entitlements, REFEDS assurance values, and how strongly they authenticated ({@code acr},
 * {@code amr}).
 *
 * @see <a href="https://aarc-community.org/guidelines/aarc-g069/">AARC-G069</a>
 */
public record UpstreamIdentity(String userId, String displayName, String email, List<String> entitlements,
    List<String> assurance, String acr, List<String> amr) {
  public UpstreamIdentity {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(acr, "acr");
    entitlements = List.copyOf(entitlements);
    assurance = List.copyOf(assurance);
    amr = List.copyOf(amr);
  }

  /** The attributes kept with the user. */
  public JsonObject attributes() {
    return new JsonObject().put("name", displayName).put("email", email)
        .put("eduperson_entitlement", new JsonArray(entitlements)).put("eduperson_assurance", new JsonArray(assurance));
  }
}
