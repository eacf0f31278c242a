package eu.panosc.aai.attributes.process;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A hashing salt from configuration: its text is never shown ({@link #toString} is redacted). */
public final class Salt {
  private final byte[] bytes;

  public Salt(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("a salt must not be empty");
    }
    this.bytes = text.getBytes(StandardCharsets.UTF_8);
  }

  byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public String toString() {
    return "Salt[redacted]";
  }
}
