package eu.panosc.accounting.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
  private static int check(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return Utf8.firstInvalid(Buffer.buffer(b), 0, b.length);
  }

  @Test
  void firstInvalidWhenWellFormedThenMinusOne() {
    assertThat(Utf8.firstInvalid(Buffer.buffer("plain ascii é 漢 😀 \u07FF \uFFFF"), 0, 24)).isEqualTo(-1);
    assertThat(check(0xF4, 0x8F, 0xBF, 0xBF)).as("U+10FFFF").isEqualTo(-1);
  }

  @Test
  void firstInvalidWhenMalformedThenOffsetOfTheSequence() {
    assertThat(check('a', 0x80)).as("a lone continuation byte").isEqualTo(1);
    assertThat(check('a', 'b', 0xC0, 0xAF)).as("overlong '/'").isEqualTo(2);
    assertThat(check(0xE0, 0x80, 0xAF)).as("overlong 3 bytes").isZero();
    assertThat(check(0xF0, 0x82, 0x82, 0xAC)).as("overlong 4 bytes").isZero();
    assertThat(check('x', 0xED, 0xA0, 0x80)).as("a surrogate").isEqualTo(1);
    assertThat(check(0xF4, 0x90, 0x80, 0x80)).as("above U+10FFFF").isZero();
    assertThat(check('x', 0xE2, 0x82)).as("truncated at the end").isEqualTo(1);
    assertThat(check(0xE2, 'a', 0xAC)).as("a lead without its continuation").isZero();
    assertThat(check(0xFF)).isZero();
  }

  /** Agrees with the JDK's strict decoder on random byte strings biased towards multi-byte sequences. */
  @Test
  void firstInvalidAgreesWithTheJdkDecoder() {
    Random random = new Random(12);
    int[] pool = {0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F,
        0x8F, 0x90};
    for (int n = 0; n < 200_000; n++) {
      byte[] b = new byte[1 + random.nextInt(6)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (random.nextBoolean() ? pool[random.nextInt(pool.length)] : random.nextInt(256));
      }
      boolean jdk;
      try {
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
        jdk = true;
      } catch (CharacterCodingException e) {
        jdk = false;
      }
      assertThat(Utf8.firstInvalid(Buffer.buffer(b), 0, b.length) < 0).as(java.util.HexFormat.of().formatHex(b))
          .isEqualTo(jdk);
    }
  }
}
