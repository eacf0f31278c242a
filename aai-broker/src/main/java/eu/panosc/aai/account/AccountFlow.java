package eu.panosc.aai.account;

import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A sign-in that is not an OAuth authorization, kept as a pending authorization (server-side, addressed by the same
 * opaque id the login forms and upstream flows carry): signing in to the account page, or linking a second identity to
 * the signed-in user {@code userId} of the browser session {@code sid}. After the upstream login of a link, the
 * identity it released waits here ({@code identity}, {@code upstream}) for the person's confirmation.
 */
public record AccountFlow(Kind kind, String userId, String sid, UpstreamIdentity identity, String upstream) {
  /** The marker field of an account flow in the pending authorization's JSON. */
  public static final String FIELD = "accountFlow";
  /** What the sign-in pages call an account flow's "client". */
  public static final String CLIENT_NAME = "your PaNOSC account";

  public enum Kind { SIGN_IN, LINK }

  public AccountFlow {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.LINK) {
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(sid, "sid");
    }
  }

  public static AccountFlow signIn() {
    return new AccountFlow(Kind.SIGN_IN, null, null, null, null);
  }

  public static AccountFlow link(String userId, String sid) {
    return new AccountFlow(Kind.LINK, userId, sid, null, null);
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put(FIELD, kind.name()).put("userId", userId).put("sid", sid);
    if (identity != null) {
      j.put("identity", identityJson(identity)).put("upstream", upstream);
    }
    return j;
  }

  /** The fields a finished link login adds to the pending flow. */
  public static JsonObject released(UpstreamIdentity identity, String upstream) {
    return new JsonObject().put("identity", identityJson(identity)).put("upstream", upstream);
  }

  /** The account flow a pending authorization's JSON is; empty for an OAuth authorization. */
  public static Optional<AccountFlow> from(JsonObject j) {
    if (j == null || !j.containsKey(FIELD)) {
      return Optional.empty();
    }
    Kind kind = Kind.valueOf(j.getString(FIELD));
    JsonObject id = j.getJsonObject("identity");
    return Optional.of(new AccountFlow(kind, j.getString("userId"), j.getString("sid"),
        id == null ? null : identity(id), j.getString("upstream")));
  }

  private static JsonObject identityJson(UpstreamIdentity i) {
    return new JsonObject().put("userId", i.userId()).put("displayName", i.displayName()).put("email", i.email())
        .put("entitlements", new JsonArray(i.entitlements())).put("assurance", new JsonArray(i.assurance()))
        .put("acr", i.acr()).put("amr", new JsonArray(i.amr()));
  }

  private static UpstreamIdentity identity(JsonObject j) {
    return new UpstreamIdentity(j.getString("userId"), j.getString("displayName"), j.getString("email"),
        strings(j, "entitlements"), strings(j, "assurance"), j.getString("acr"), strings(j, "amr"));
  }

  private static List<String> strings(JsonObject j, String key) {
    return j.getJsonArray(key, new JsonArray()).stream().map(String::valueOf).toList();
  }
}
