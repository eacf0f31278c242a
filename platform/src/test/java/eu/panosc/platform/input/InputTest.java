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
}
