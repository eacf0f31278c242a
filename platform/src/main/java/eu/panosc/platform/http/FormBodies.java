package eu.panosc.platform.http;

import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads {@code application/x-www-form-urlencoded} bodies (and query strings) strictly, instead of Vert.x's
 * lenient decoder, which answers a malformed body with an exception (a 500) and replaces invalid UTF-8
 * silently. A malformed percent escape, a parameter without a name, bytes that are not UTF-8, more than
 * {@value #MAX_PARAMETERS} parameters or a body over the limit are an {@link InvalidInputException} for the
 * endpoint to render in its own protocol; nothing is logged.
 *
 * <p>Use {@link #reader(int)} as the route's body handler (instead of {@code BodyHandler}), then
 * {@link #of(RoutingContext)} in the endpoint: it returns the parameters or throws what was wrong with them.
 *
 * @see <a href="https://url.spec.whatwg.org/#application/x-www-form-urlencoded">WHATWG URL §5</a>
 */
public final class FormBodies {
  /** At most this many parameters in one body or query string. */
  public static final int MAX_PARAMETERS = 256;
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String KEY = FormBodies.class.getName();

  private FormBodies() {}

  /**
   * A body handler that reads at most {@code maxBytes}; a form body is parsed (not any other type: {@link #of}
   * then answers an empty map). An oversized body is not read further and the connection is closed after the
   * answer. Must be the route's first handler, as {@code BodyHandler} must.
   */
  public static Handler<RoutingContext> reader(int maxBytes) {
    return ctx -> read(ctx, maxBytes);
  }

  private static void read(RoutingContext ctx, int maxBytes) {
    HttpServerRequest request = ctx.request();
    boolean form = isForm(request.getHeader("Content-Type"));
    String declared = request.getHeader("Content-Length");
    if (declared != null && tooLong(declared, maxBytes)) {
      refuse(ctx, maxBytes);
      return;
    }
    if (request.isEnded()) {
      ctx.put(KEY, form ? Outcome.of(Buffer.buffer()) : Outcome.EMPTY);
      ctx.next();
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] done = {false};
    request.handler(chunk -> {
      if (done[0]) {
        return;
      }
      if (body.length() + chunk.length() > maxBytes) {
        done[0] = true;
        refuse(ctx, maxBytes);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (!done[0]) {
        done[0] = true;
        ctx.put(KEY, form ? Outcome.of(body) : Outcome.EMPTY);
        ctx.next();
      }
    });
    request.exceptionHandler(e -> {
      if (!done[0]) {
        done[0] = true;
        ctx.put(KEY, new Outcome(null, new InvalidInputException("body", "could not be read")));
        ctx.next();
      }
    });
    request.resume();
  }

  private static boolean tooLong(String declared, int maxBytes) {
    try {
      return Long.parseLong(declared.trim()) > maxBytes;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static void refuse(RoutingContext ctx, int maxBytes) {
    ctx.put(KEY, new Outcome(null, new InvalidInputException("body", "must be at most " + maxBytes + " bytes")));
    if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      // the rest of the body is not read: the connection cannot carry another request
      ctx.response().putHeader("Connection", "close");
    }
    ctx.next();
  }

  /**
   * The parameters of the form body read by {@link #reader}: empty when the body is not form-encoded.
   *
   * @throws InvalidInputException when the body is malformed or too large
   */
  public static MultiMap of(RoutingContext ctx) {
    Outcome outcome = ctx.get(KEY);
    if (outcome == null) {
      throw new IllegalStateException("FormBodies.reader is not the body handler of this route");
    }
    if (outcome.problem() != null) {
      throw outcome.problem();
    }
    return outcome.form();
  }

  /**
   * Parses a query string (without {@code ?}) as strictly as a body; it must be ASCII (RFC 3986 §3.4: anything else
   * is percent-encoded).
   */
  public static MultiMap parse(String query) {
    if (query == null) {
      return MultiMap.caseInsensitiveMultiMap();
    }
    for (int i = 0; i < query.length(); i++) {
      if (query.charAt(i) > 0x7e || query.charAt(i) < 0x21) {
        throw new InvalidInputException("query", "must be percent-encoded ASCII");
      }
    }
    return parse(query.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Parses {@code application/x-www-form-urlencoded} bytes, in order. Names compare case-insensitively, as in
   * Vert.x's own form attributes.
   */
  public static MultiMap parse(byte[] bytes) {
    return parseInto(bytes, MultiMap.caseInsensitiveMultiMap());
  }

  private static MultiMap parseInto(byte[] bytes, MultiMap out) {
    int count = 0;
    int start = 0;
    while (start <= bytes.length) {
      int end = indexOf(bytes, (byte) '&', start);
      if (end > start) {
        if (++count > MAX_PARAMETERS) {
          throw new InvalidInputException("body", "must have at most " + MAX_PARAMETERS + " parameters");
        }
        int eq = indexOf(bytes, (byte) '=', start);
        int nameEnd = Math.min(eq, end);
        if (nameEnd == start) {
          throw new InvalidInputException("body", "has a parameter without a name");
        }
        String name = decode(bytes, start, nameEnd, "body");
        String value = eq < end ? decode(bytes, eq + 1, end, name) : "";
        out.add(name, value);
      }
      start = end + 1;
    }
    return out;
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return bytes.length;
  }

  private static String decode(byte[] bytes, int from, int to, String field) {
    ByteArrayOutputStream decoded = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b == '+') {
        decoded.write(' ');
      } else if (b == '%') {
        int hi = i + 2 < to ? Character.digit(bytes[i + 1], 16) : -1;
        int lo = i + 2 < to ? Character.digit(bytes[i + 2], 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new InvalidInputException(field, "has a malformed percent escape");
        }
        decoded.write(hi * 16 + lo);
        i += 2;
      } else {
        decoded.write(b);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(field, "must be valid UTF-8");
    }
  }

  private static boolean isForm(String contentType) {
    return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM);
  }

  /** What the reader found: the form, or why there is none. */
  private record Outcome(MultiMap form, InvalidInputException problem) {
    static final Outcome EMPTY = new Outcome(MultiMap.caseInsensitiveMultiMap(), null);

    static Outcome of(Buffer body) {
      try {
        return new Outcome(parse(body.getBytes()), null);
      } catch (InvalidInputException e) {
        return new Outcome(null, e);
      }
    }
  }
}
