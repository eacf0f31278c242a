package eu.panosc.platform.http;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem detail. {@code type} is a URI naming the problem kind ({@code about:blank}
 * when the HTTP status says it all); {@code extensions} carry members such as {@code errors}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
public record Problem(String type, String title, int status, String detail, Map<String, Object> extensions) {
  public static final String MEDIA_TYPE = "application/problem+json";
  public static final String TYPE_BASE = "https://panosc.eu/problems/";
  /** Members an extension must not overwrite. */
  private static final java.util.Set<String> STANDARD_MEMBERS =
      java.util.Set.of("type", "title", "status", "detail", "instance", "requestId");

  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    extensions = Map.copyOf(extensions);
  }

  public static Problem of(int status, String title, String detail) {
    return new Problem("about:blank", title, status, detail, Map.of());
  }

  public Problem with(String member, Object value) {
    var m = new java.util.LinkedHashMap<>(extensions);
    m.put(member, value);
    return new Problem(type, title, status, detail, m);
  }

  /** The JSON body, with {@code instance} (the request path) and {@code requestId} added. */
  public JsonObject toJson(String instance, String requestId) {
    JsonObject json = new JsonObject().put("type", type).put("title", title).put("status", status);
    if (detail != null) {
      json.put("detail", detail);
    }
    if (instance != null) {
      json.put("instance", instance);
    }
    extensions.forEach((member, value) -> {
      if (!STANDARD_MEMBERS.contains(member)) {
        json.put(member, value);
      }
    });
    if (requestId != null) {
      json.put("requestId", requestId);
    }
    return json;
  }
}
