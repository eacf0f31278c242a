package eu.panosc.aai.protocol;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The platform input rule ({@link Input}) as the stores apply it to what they write: every string of a value (a
 * JSON document's member names and strings included) is one line free of control characters and lone surrogates
 * (PostgreSQL cannot hold a NUL at all) and at most {@value #MAX} characters. Protocol parameters are already held
 * to the stricter {@link Parameters} rule; this also covers what arrives from elsewhere (upstream identities).
 */
public final class Storable {
  /** The bound of one stored string, in characters (a form body is far smaller). */
  public static final int MAX = 64 * 1024;

  private Storable() {}

  /**
   * {@code value}, or a failed future with an {@link InvalidInputException} naming {@code field} (never the
   * offending member name, which may itself break the rule).
   */
  public static <T> Future<T> checked(String field, T value) {
    try {
      check(field, value);
      return Future.succeededFuture(value);
    } catch (InvalidInputException e) {
      return Future.failedFuture(e);
    }
  }

  private static void check(String field, Object value) {
    switch (value) {
      case String s -> Input.text(field, s, MAX, false);
      case JsonObject o -> o.fieldNames().forEach(name -> {
        Input.text(field, name, MAX, false);
        check(field, o.getValue(name));
      });
      case JsonArray a -> a.forEach(element -> check(field, element)); // the iterator wraps maps and lists
      case null, default -> { } // numbers, booleans, null
    }
  }
}
