package eu.panosc.accounting.ingest;

import io.vertx.core.buffer.Buffer;

/**
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800-U+DFFF), nothing above U+10FFFF, no truncated
 * sequence. Both ingest formats check their bytes with it before parsing, so that invalid UTF-8 is refused the same
 * way whatever the format (never replaced by U+FFFD).
 */
final class Utf8 {
  private Utf8() {}

  /** The offset in {@code b} of the first byte of the first invalid sequence in {@code [from, to)}, or -1. */
  static int firstInvalid(Buffer b, int from, int to) {
    int i = from;
    while (i < to) {
      int c = b.getByte(i) & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        min = 0x10000;
      } else {
        return i; // a continuation byte without a lead, C0/C1 (always overlong) or F5-FF
      }
      if (i + n >= to) {
        return i; // truncated
      }
      int cp = c & (0x3F >> n);
      for (int k = 1; k <= n; k++) {
        int d = b.getByte(i + k) & 0xFF;
        if ((d & 0xC0) != 0x80) {
          return i;
        }
        cp = (cp << 6) | (d & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return i;
      }
      i += n + 1;
    }
    return -1;
  }

  /** The refusal's text for an invalid byte at {@code offset} of the body, on 1-based line {@code line}. */
  static String refusal(long line, long offset) {
    return "The request body is not valid UTF-8 (line " + line + ", byte offset " + offset
        + "); send the records as UTF-8.";
  }
}
