package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FormBodiesTest {
  private static MultiMap parse(String s) {
    return FormBodies.parse(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void parseWhenWellFormedThenDecodesPlusPercentAndUtf8InOrder() {
    MultiMap form = parse("scope=openid+profile&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&name=J%C3%BCrgen"
        + "&empty=&flag&&resource=a&resource=b");
    assertThat(form.get("scope")).isEqualTo("openid profile");
    assertThat(form.get("redirect_uri")).isEqualTo("http://127.0.0.1/cb");
    assertThat(form.get("name")).isEqualTo("Jürgen");
    assertThat(form.get("empty")).isEmpty();
    assertThat(form.get("flag")).isEmpty();
    assertThat(form.getAll("resource")).containsExactly("a", "b");
    assertThat(parse("")).isEmpty();
  }

  @Test
  void parseWhenMalformedThenInvalidInputNamingTheParameter() {
    assertThatThrownBy(() -> parse("scope=%ZZ")).isInstanceOf(InvalidInputException.class)
        .hasMessage("scope: has a malformed percent escape");
    assertThatThrownBy(() -> parse("a=%")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> parse("a=%4")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> parse("&=x")).isInstanceOf(InvalidInputException.class)
        .hasMessage("body: has a parameter without a name");
    assertThatThrownBy(() -> parse("token=%C3%28")).isInstanceOf(InvalidInputException.class)
        .hasMessage("token: must be valid UTF-8");
    assertThatThrownBy(() -> parse("token=%ED%A0%80")).as("an encoded surrogate is not UTF-8")
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> FormBodies.parse(new byte[] {'a', '=', (byte) 0xFF}))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> parse("a=1&".repeat(FormBodies.MAX_PARAMETERS + 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most");
  }

  @Test
  void parseWhenQueryStringThenSameRules() {
    assertThat(FormBodies.parse("client_id=a&state=x%20y").get("state")).isEqualTo("x y");
    assertThat(FormBodies.parse((String) null)).isEmpty();
    assertThatThrownBy(() -> FormBodies.parse("client_id=%G0")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> FormBodies.parse("client_id=\u00c3(")).isInstanceOf(InvalidInputException.class)
        .hasMessage("query: must be percent-encoded ASCII");
  }
}
