package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** JSON written straight as UTF-8 bytes: every text parses back to itself, NUL and lone surrogates as U+FFFD. */
class JsonBytesTest {
  static String roundTrip(String s) {
    JsonBytes b = new JsonBytes(1);
    b.ascii('[').string(s).ascii(']');
    byte[] bytes = b.toByteArray();
    String decoded = new String(bytes, StandardCharsets.UTF_8);
    assertThat(decoded.getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);   // valid UTF-8
    return new JsonArray(decoded).getString(0);
  }

  @Test
  void stringWhenAnyCharacterThenParsesBackToIt() {
    StringBuilder all = new StringBuilder();
    for (char c = 1; c < 0xD800; c++) {
      all.append(c);
    }
    for (char c = 0xE000; c != 0; c++) {
      all.append(c);
    }
    all.append("\uD83E\uDDEA \"\\/ \u2028\u2029");
    assertThat(roundTrip(all.toString())).isEqualTo(all.toString());
    for (String s : PgDecisionLogIT.HOSTILE) {
      assertThat(roundTrip(s)).isEqualTo(s);
    }
  }

  @Test
  void stringWhenNulOrLoneSurrogateThenReplacementCharacter() {
    assertThat(roundTrip("a\0b")).isEqualTo("a\uFFFDb");
    assertThat(roundTrip("x\uD83Ey")).isEqualTo("x\uFFFDy");      // high surrogate without its low one
    assertThat(roundTrip("x\uDDEA")).isEqualTo("x\uFFFD");         // low surrogate alone
    assertThat(roundTrip("\uD83E")).isEqualTo("\uFFFD");           // high surrogate at the end
  }

  @Test
  void uuidAndNumbersWhenWrittenThenAsJavaWritesThem() {
    Random rnd = new Random(1);
    for (int i = 0; i < 1000; i++) {
      UUID id = new UUID(rnd.nextLong(), rnd.nextLong());
      assertThat(new JsonBytes(1).uuid(id).toString()).isEqualTo(id.toString());
    }
    for (long n : List.of(0L, 7L, 10L, -1L, 999_999L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE)) {
      assertThat(new JsonBytes(1).number(n).toString()).isEqualTo(Long.toString(n));
    }
    assertThat(new JsonBytes(1).padded(42, 6).toString()).isEqualTo("000042");
  }

  @Test
  void stringWhenEscapeAfterPlainPrefixThenWrittenOnceEscaped() {
    JsonBytes b = new JsonBytes(1);
    b.string("plain-id").ascii(',').string("ends with a quote\"").ascii(',').string("del\u007f?").ascii(',')
        .string("é");
    assertThat(b.toString()).isEqualTo("\"plain-id\",\"ends with a quote\\\"\",\"del\u007f?\",\"é\"");
  }
}
