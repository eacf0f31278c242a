package eu.panosc.pdp.log;

import java.util.Arrays;

/**
 * A growable UTF-8 byte array that JSON text is written into directly (no {@link StringBuilder}, no second encoding
 * pass by the database client). Strings are written as JSON strings: quotes, backslashes and control characters
 * escaped, the character NUL (which PostgreSQL cannot store in text or jsonb) and any unpaired surrogate written as
 * U+FFFD. Not thread-safe.
 */
final class JsonBytes {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private byte[] bytes;
  private int length;

  JsonBytes(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  int length() {
    return length;
  }

  /** Whether the last byte written is {@code c}. */
  boolean endsWith(char c) {
    return length > 0 && bytes[length - 1] == (byte) c;
  }

  /** A copy of what was written, as a Vert.x buffer (one copy). */
  io.vertx.core.buffer.Buffer buffer() {
    return io.vertx.core.buffer.Buffer.buffer(length).appendBytes(bytes, 0, length);
  }

  /** A copy of what was written. */
  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void room(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
    }
  }

  JsonBytes ascii(char c) {
    room(1);
    bytes[length++] = (byte) c;
    return this;
  }

  /** Text known to be ASCII without anything to escape (member names, punctuation). */
  JsonBytes ascii(String s) {
    int n = s.length();
    room(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) s.charAt(i);
    }
    return this;
  }

  JsonBytes number(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        return ascii(Long.toString(v));
      }
      ascii('-');
      v = -v;
    }
    int digits = 1;
    for (long x = v; x >= 10; x /= 10) {
      digits++;
    }
    room(digits);
    for (int i = length + digits - 1; i >= length; i--) {
      bytes[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    length += digits;
    return this;
  }

  /** A UUID in its canonical text form (8-4-4-4-12 lower-case hex digits). */
  JsonBytes uuid(java.util.UUID id) {
    room(36);
    hex(id.getMostSignificantBits() >>> 32, 8);
    bytes[length++] = '-';
    hex(id.getMostSignificantBits() >>> 16, 4);
    bytes[length++] = '-';
    hex(id.getMostSignificantBits(), 4);
    bytes[length++] = '-';
    hex(id.getLeastSignificantBits() >>> 48, 4);
    bytes[length++] = '-';
    hex(id.getLeastSignificantBits(), 12);
    return this;
  }

  private void hex(long v, int digits) {
    for (int i = length + digits - 1; i >= length; i--) {
      bytes[i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
    length += digits;
  }

  /** {@code value} zero-padded to {@code digits} digits (non-negative values). */
  JsonBytes padded(int value, int digits) {
    room(digits);
    for (int i = length + digits - 1; i >= length; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    length += digits;
    return this;
  }

  /** A JSON string. */
  JsonBytes string(String s) {
    ascii('"');
    if (!plain(s)) {
      utf8(s, true);
    }
    return ascii('"');
  }

  /**
   * Copies {@code s} when it is printable ASCII with nothing to escape (ids, names: the common case), checking and
   * copying in one pass without an intermediate array, answering true; false (nothing written) otherwise.
   */
  private boolean plain(String s) {
    int n = s.length();
    room(n);
    byte[] out = bytes;
    int at = length;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        return false;
      }
      out[at + i] = (byte) c;
    }
    length = at + n;
    return true;
  }

  /** Text that is JSON already, UTF-8 encoded as it is. */
  JsonBytes raw(String json) {
    utf8(json, false);
    return this;
  }

  private void utf8(String s, boolean escape) {
    int n = s.length();
    room(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && (!escape || (c != '"' && c != '\\'))) {
        if (length == bytes.length) {
          room(n - i);
        }
        bytes[length++] = (byte) c;
      } else if (c < 0x80) {
        if (c == 0) {
          replacement();
        } else if (!escape) {
          ascii(c);
        } else {
          switch (c) {
            case '"' -> ascii("\\\"");
            case '\\' -> ascii("\\\\");
            case '\n' -> ascii("\\n");
            case '\r' -> ascii("\\r");
            case '\t' -> ascii("\\t");
            default -> {
              ascii("\\u00");
              ascii((char) HEX[c >> 4]);
              ascii((char) HEX[c & 0xF]);
            }
          }
        }
      } else if (c < 0x800) {
        room(2);
        bytes[length++] = (byte) (0xC0 | c >> 6);
        bytes[length++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        room(4);
        bytes[length++] = (byte) (0xF0 | cp >> 18);
        bytes[length++] = (byte) (0x80 | cp >> 12 & 0x3F);
        bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3F);
        bytes[length++] = (byte) (0x80 | cp & 0x3F);
      } else if (Character.isSurrogate(c)) {
        replacement();
      } else {
        room(3);
        bytes[length++] = (byte) (0xE0 | c >> 12);
        bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
        bytes[length++] = (byte) (0x80 | c & 0x3F);
      }
    }
  }

  /** U+FFFD in UTF-8. */
  private void replacement() {
    room(3);
    bytes[length++] = (byte) 0xEF;
    bytes[length++] = (byte) 0xBF;
    bytes[length++] = (byte) 0xBD;
  }
}
