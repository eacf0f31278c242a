package eu.panosc.platform.input;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The one input rule of every service for identifiers, text, dates and numbers: what passes can be stored
 * in PostgreSQL and read back unchanged. Text is valid UTF-16 (no lone surrogates, so it encodes to valid
 * UTF-8), carries no control characters (C0, DEL, C1; {@link #document} allows tab and line breaks) and
 * respects a length bound in characters. Instants lie in years 1 to 9999 (what ISO 8601 writes without a
 * sign, and what every JSON and SQL reader here parses) and are truncated to microseconds, PostgreSQL's
 * precision. Each check throws {@link InvalidInputException} naming the field.
 */
public final class Input {
  /** The earliest instant we store: 0001-01-01T00:00:00Z. */
  public static final Instant MIN_INSTANT = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();
  /** The latest instant we store: 9999-12-31T23:59:59.999999Z. */
  public static final Instant MAX_INSTANT =
      OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC).toInstant();
  /** The default bound of an identifier, in characters. */
  public static final int MAX_ID = 512;

  private Input() {}

  /** An identifier: 1 to {@code max} characters, no control characters, valid UTF-16; returned unchanged. */
  public static String id(String field, String value, int max) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field, "is required");
    }
    return checked(field, value, 1, max, false);
  }

  /** An identifier of at most {@link #MAX_ID} characters. */
  public static String id(String field, String value) {
    return id(field, value, MAX_ID);
  }

  /** One line of text: like {@link #id} but may be empty when {@code required} is false; null passes if optional. */
  public static String text(String field, String value, int max, boolean required) {
    if (value == null) {
      if (required) {
        throw new InvalidInputException(field, "is required");
      }
      return null;
    }
    return checked(field, value, required ? 1 : 0, max, false);
  }

  /** A multi-line document (XML, PEM, a description): tab, CR and LF allowed, other control characters not. */
  public static String document(String field, String value, int max) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field, "is required");
    }
    return checked(field, value, 1, max, true);
  }

  /** Whether {@code value} is non-null, at most {@code max} characters, free of control characters and valid. */
  public static boolean isClean(String value, int max) {
    return value != null && value.length() <= max && firstProblem(value, false) == null;
  }

  /** An instant within years 1 to 9999, truncated to microseconds; null passes when not {@code required}. */
  public static Instant instant(String field, Instant value, boolean required) {
    if (value == null) {
      if (required) {
        throw new InvalidInputException(field, "is required");
      }
      return null;
    }
    if (value.isBefore(MIN_INSTANT) || value.isAfter(MAX_INSTANT)) {
      throw new InvalidInputException(field, "must be a date between 0001-01-01 and 9999-12-31");
    }
    return value.truncatedTo(ChronoUnit.MICROS);
  }

  /** Parses an RFC 3339 date-time (offset required) and checks it as {@link #instant(String, Instant, boolean)}. */
  public static Instant instant(String field, String value, boolean required) {
    if (value == null) {
      return instant(field, (Instant) null, required);
    }
    if (value.length() > 64) {
      throw new InvalidInputException(field, "must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z");
    }
    Instant parsed = common(value);
    try {
      if (parsed == null) {
        parsed = OffsetDateTime.parse(value).toInstant();
      }
    } catch (java.time.DateTimeException e) {
      throw new InvalidInputException(field, "must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z");
    }
    return instant(field, parsed, true);
  }

  /**
   * The common shape {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+HH:mm|-HH:mm)} without {@code DateTimeFormatter} (hot on
   * bulk ingest: several times cheaper), or null for anything else, including values out of range, which
   * {@link OffsetDateTime#parse} then reads or refuses as before: whatever this accepts, {@code OffsetDateTime.parse}
   * accepts with the same instant.
   */
  static Instant common(String v) {
    int n = v.length();
    if (n < 20 || n > 35 || v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != 'T' || v.charAt(13) != ':'
        || v.charAt(16) != ':') {
      return null;
    }
    int year = digits(v, 0, 4);
    int month = digits(v, 5, 2);
    int day = digits(v, 8, 2);
    int hour = digits(v, 11, 2);
    int minute = digits(v, 14, 2);
    int second = digits(v, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (v.charAt(i) == '.') {
      int from = ++i;
      while (i < n && i - from < 9 && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
        nanos = nanos * 10 + (v.charAt(i++) - '0');
      }
      if (i == from) {
        return null;
      }
      for (int k = i - from; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offset;
    if (i == n - 1 && v.charAt(i) == 'Z') {
      offset = 0;
    } else if (i == n - 6 && (v.charAt(i) == '+' || v.charAt(i) == '-') && v.charAt(i + 3) == ':') {
      int oh = digits(v, i + 1, 2);
      int om = digits(v, i + 4, 2);
      if (oh < 0 || oh > 17 || om < 0 || om > 59) {
        return null;
      }
      offset = (oh * 3600 + om * 60) * (v.charAt(i) == '-' ? -1 : 1);
    } else {
      return null;
    }
    if (day > 28 && day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second - offset, nanos);
  }

  /** The value of {@code count} ASCII digits from {@code at}, or -1 if one is not a digit. */
  private static int digits(String s, int at, int count) {
    int value = 0;
    for (int i = at; i < at + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** A calendar date within years 1 to 9999. */
  public static LocalDate date(String field, LocalDate value, boolean required) {
    if (value == null) {
      if (required) {
        throw new InvalidInputException(field, "is required");
      }
      return null;
    }
    if (value.getYear() < 1 || value.getYear() > 9999) {
      throw new InvalidInputException(field, "must be a date between 0001-01-01 and 9999-12-31");
    }
    return value;
  }

  /** A whole number within {@code [min, max]}. */
  public static long range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidInputException(field, "must be between " + min + " and " + max);
    }
    return value;
  }

  /** A finite number within {@code [min, max]} (NaN and infinities refused). */
  public static double range(String field, double value, double min, double max) {
    if (!Double.isFinite(value) || value < min || value > max) {
      throw new InvalidInputException(field, "must be a finite number between " + min + " and " + max);
    }
    return value;
  }

  private static String checked(String field, String value, int min, int max, boolean multiline) {
    if (value.length() < min || value.length() > max) {
      throw new InvalidInputException(field, min == max ? "must be " + max + " characters"
          : "must be " + min + " to " + max + " characters");
    }
    String problem = firstProblem(value, multiline);
    if (problem != null) {
      throw new InvalidInputException(field, problem);
    }
    return value;
  }

  /** The first reason {@code s} cannot be stored, or null. */
  private static String firstProblem(String s, boolean multiline) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        if (multiline && (c == '\t' || c == '\n' || c == '\r')) {
          continue;
        }
        return "must not contain control characters";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return "must be valid UTF-8 (a lone surrogate was found)";
      }
      if (Character.isLowSurrogate(c)) {
        return "must be valid UTF-8 (a lone surrogate was found)";
      }
    }
    return null;
  }
}
