package eu.panosc.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a request whose path percent-encodes bytes that are not UTF-8 (e.g. {@code /members/p/a%C3%28b}) with a
 * 400 problem: Vert.x would decode such a segment into U+FFFD and a route would store an identifier the client
 * never sent. Control characters such as {@code %00} decode to valid text and are left to the route, which names
 * the parameter in its answer (the platform's {@code Input} rule). Installed on the root router.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3986#section-2.5">RFC 3986 §2.5: identifying data</a>
 */
public final class StrictPaths implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    String problem = problem(ctx.request().path());
    if (problem != null) {
      FailureHandler.write(ctx, FailureHandler.forStatus(400, problem));
      return;
    }
    ctx.next();
  }

  /** Why {@code rawPath} is refused, or null when its percent-encoded bytes are UTF-8. */
  static String problem(String rawPath) {
    if (rawPath == null || rawPath.indexOf('%') < 0) {
      return null;
    }
    ByteBuffer bytes = ByteBuffer.allocate(rawPath.length() * 3);
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        if (i + 2 >= rawPath.length() || Character.digit(rawPath.charAt(i + 1), 16) < 0
            || Character.digit(rawPath.charAt(i + 2), 16) < 0) {
          return "The request path has a malformed percent escape.";
        }
        int b = Character.digit(rawPath.charAt(i + 1), 16) * 16 + Character.digit(rawPath.charAt(i + 2), 16);
        bytes.put((byte) b);
        i += 2;
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
      return null;
    } catch (CharacterCodingException e) {
      return "The request path's percent-encoded bytes are not UTF-8.";
    }
  }
}
