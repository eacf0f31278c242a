package eu.panosc.platform.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class InputTest {
  @Test
  void idWhenCleanThenReturnedUnchanged() {
    assertThat(Input.id("pid", "10.15151/ESRF-DC-1 ü 😀")).isEqualTo("10.15151/ESRF-DC-1 ü 😀");
  }

  @Test
  void idWhenEmptyNullOrTooLongThenRefusedNamingTheField() {
    assertThatThrownBy(() -> Input.id("pid", "")).isInstanceOf(InvalidInputException.class)
        .hasMessage("pid: is required");
    assertThatThrownBy(() -> Input.id("pid", null)).hasMessage("pid: is required");
    assertThatThrownBy(() -> Input.id("pid", "x".repeat(513)))
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("pid"))
        .hasMessageContaining("1 to 512 characters");
    assertThat(Input.id("pid", "x".repeat(512))).hasSize(512);
  }

  @Test
  void idWhenControlCharacterThenRefused() {
    for (String bad : new String[] {"a\u0000b", "a\nb", "a\u007fb", "a\u0085b", "\u001b[31m"}) {
      assertThatThrownBy(() -> Input.id("id", bad)).hasMessage("id: must not contain control characters");
    }
  }

  @Test
  void idWhenLoneSurrogateThenRefused() {
    assertThatThrownBy(() -> Input.id("id", "a\ud800b")).hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> Input.id("id", "a\udc00")).hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> Input.id("id", "a\ud800")).hasMessageContaining("lone surrogate");
  }

  @Test
  void documentWhenLineBreaksThenAcceptedButOtherControlsRefused() {
    assertThat(Input.document("xml", "<a>\n\t<b/>\r\n</a>", 100)).contains("\t");
    assertThatThrownBy(() -> Input.document("xml", "<a>\u0000</a>", 100))
        .hasMessage("xml: must not contain control characters");
  }

  @Test
  void textWhenOptionalAndNullThenNull() {
    assertThat(Input.text("title", null, 10, false)).isNull();
    assertThat(Input.text("title", "", 10, false)).isEmpty();
    assertThatThrownBy(() -> Input.text("title", null, 10, true)).hasMessage("title: is required");
  }

  @Test
  void isCleanWhenBadThenFalse() {
    assertThat(Input.isClean("client-1", 10)).isTrue();
    assertThat(Input.isClean("a\u0000b", 10)).isFalse();
    assertThat(Input.isClean("x".repeat(11), 10)).isFalse();
    assertThat(Input.isClean(null, 10)).isFalse();
  }

  @Test
  void instantWhenOutsideYears1To9999ThenRefused() {
    assertThatThrownBy(() -> Input.instant("releaseDate", "+10000-01-01T00:00:00Z", true))
        .hasMessage("releaseDate: must be a date between 0001-01-01 and 9999-12-31");
    assertThatThrownBy(() -> Input.instant("created", "0000-01-01T00:00:00Z", true))
        .hasMessageContaining("between 0001-01-01");
    assertThatThrownBy(() -> Input.instant("end", "+999999999-01-01T00:00:00Z", true))
        .hasMessageContaining("between 0001-01-01");
    assertThatThrownBy(() -> Input.instant("end", Instant.MAX, true)).hasMessageContaining("between");
    assertThat(Input.instant("end", "9999-12-31T23:59:59.999999Z", true)).isEqualTo(Input.MAX_INSTANT);
    assertThat(Input.instant("end", "0001-01-01T00:00:00Z", true)).isEqualTo(Input.MIN_INSTANT);
  }

  @Test
  void instantWhenNotRfc3339ThenRefused() {
    assertThatThrownBy(() -> Input.instant("end", "yesterday", true)).hasMessageContaining("RFC 3339");
    assertThatThrownBy(() -> Input.instant("end", "2026-01-01T00:00:00", true)).hasMessageContaining("RFC 3339");
    assertThatThrownBy(() -> Input.instant("end", "9".repeat(100), true)).hasMessageContaining("RFC 3339");
  }

  @Test
  void instantWhenNanosecondsThenTruncatedToMicroseconds() {
    assertThat(Input.instant("t", "2026-01-01T00:00:00.123456789Z", true))
        .isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
  }

  @Test
  void dateAndRangeWhenOutOfBoundsThenRefused() {
    assertThatThrownBy(() -> Input.date("d", LocalDate.of(10000, 1, 1), true)).hasMessageContaining("9999");
    assertThat(Input.range("n", 5, 1, 10)).isEqualTo(5);
    assertThatThrownBy(() -> Input.range("n", 11, 1, 10)).hasMessage("n: must be between 1 and 10");
    assertThatThrownBy(() -> Input.range("x", Double.NaN, 0, 1)).hasMessageContaining("finite");
    assertThatThrownBy(() -> Input.range("x", Double.POSITIVE_INFINITY, 0, 1)).hasMessageContaining("finite");
  }

  @Test
  void instantWhenCommonShapeThenReadWithoutTheFormatterAsTheFormatterWould() {
    // the fast path takes the shapes senders use; anything else goes to OffsetDateTime.parse
    for (String v : new String[] {"2026-11-05T10:00:00Z", "2024-02-29T23:59:59.5+01:00", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z", "2026-01-01T00:00:00-17:59", "2026-06-30T12:34:56.123456-00:00"}) {
      assertThat(Input.common(v)).as(v).isNotNull().isEqualTo(java.time.OffsetDateTime.parse(v).toInstant());
    }
    // shapes left to the formatter (which accepts some of them): never misread here
    for (String v : new String[] {"2026-11-05t10:00:00Z", "2026-11-05T10:00Z", "2026-11-05T10:00:00z",
        "2026-11-05T10:00:00+01", "2026-11-05T10:00:00.Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-11-05T24:00:00Z", "2026-11-05T10:60:00Z", "2026-11-05T10:00:60Z", "2026-13-05T10:00:00Z",
        "2026-00-05T10:00:00Z", "2026-11-00T10:00:00Z", "2026-11-05T10:00:00+18:00", "2026-11-05T10:00:00+01:60",
        "2026-11-05T10:00:00.1234567890Z", "+2026-11-05T10:00:00Z", "2026-11-05T10:00:0\u0660Z",
        "2026-11-05T10:00:00 Z", "2026-11-05T10:00:00+01:00:00"}) {
      assertThat(Input.common(v)).as(v).isNull();
    }
    assertThat(Input.instant("t", "2026-11-05T10:00Z", true)).isEqualTo(Instant.parse("2026-11-05T10:00:00Z"));
    assertThatThrownBy(() -> Input.instant("t", "2026-02-29T00:00:00Z", true)).hasMessageContaining("RFC 3339");
  }

  @Test
  void instantWhenRandomTextNearTheCommonShapeThenFastPathNeverDisagreesWithTheFormatter() {
    java.util.Random random = new java.util.Random(12);
    String alphabet = "0123456789-:.TtZz+ ";
    int fast = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder sb = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", random.nextInt(10_000),
          random.nextInt(14), random.nextInt(33), random.nextInt(25), random.nextInt(61), random.nextInt(61)));
      switch (random.nextInt(4)) {
        case 0 -> sb.append('.').append(random.nextInt(1_000_000_000));
        case 1 -> sb.append('.').append(random.nextInt(1000));
        default -> { }
      }
      sb.append(random.nextBoolean() ? "Z" : String.format("%c%02d:%02d", random.nextBoolean() ? '+' : '-',
          random.nextInt(20), random.nextInt(61)));
      for (int k = random.nextInt(3); k > 0; k--) { // a few random edits
        int at = random.nextInt(sb.length());
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> sb.setCharAt(at, c);
          case 1 -> sb.insert(at, c);
          default -> sb.deleteCharAt(at);
        }
      }
      String v = sb.toString();
      Instant quick = Input.common(v);
      if (quick == null) {
        continue;
      }
      fast++;
      assertThat(java.time.OffsetDateTime.parse(v).toInstant()).as(v).isEqualTo(quick);
    }
    assertThat(fast).as("values the fast path read").isGreaterThan(20_000);
  }
}
