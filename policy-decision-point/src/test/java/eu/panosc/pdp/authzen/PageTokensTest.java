package eu.panosc.pdp.authzen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageTokensTest {
  static final byte[] KEY = filled(7);
  static final JsonObject BODY = new JsonObject("""
      {"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"dataset"},
       "page":{"limit":2}}""");

  static byte[] filled(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return k;
  }

  static byte[] binding(JsonObject body) {
    return PageTokens.binding("resource", "portal", body);
  }

  @Test
  void sealWhenOpenedWithSameRequestThenPositionBack() {
    PageTokens tokens = new PageTokens(KEY);
    String t = tokens.seal('r', "10.5555/EMBARGOED-7", binding(BODY));
    assertThat(t).doesNotContain("EMBARGOED").matches("[A-Za-z0-9_-]+");
    assertThat(tokens.open('r', t, binding(BODY))).isEqualTo("10.5555/EMBARGOED-7");
    assertThat(tokens.open('r', "", binding(BODY))).isEmpty();
  }

  @Test
  void openWhenAnotherReplicaWithTheSharedKeyThenAccepted() {
    String t = new PageTokens(KEY).seal('s', "bob", binding(BODY));
    assertThat(new PageTokens(KEY.clone()).open('s', t, binding(BODY))).isEqualTo("bob");
    assertThatThrownBy(() -> new PageTokens(filled(8)).open('s', t, binding(BODY)))
        .isInstanceOfSatisfying(AuthzenException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @ParameterizedTest
  @ValueSource(strings = {"YTotNQ", "cjox", "!!!", "AQ", "not a token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
  void openWhenForgedThen400(String forged) {
    assertThatThrownBy(() -> new PageTokens(KEY).open('r', forged, binding(BODY)))
        .isInstanceOfSatisfying(AuthzenException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void openWhenAnyByteTamperedThen400() {
    PageTokens tokens = new PageTokens(KEY);
    byte[] raw = Base64.getUrlDecoder().decode(tokens.seal('r', "10.5555/A", binding(BODY)));
    for (int i = 0; i < raw.length; i++) {
      byte[] changed = raw.clone();
      changed[i] ^= 1;
      String t = Base64.getUrlEncoder().withoutPadding().encodeToString(changed);
      assertThatThrownBy(() -> tokens.open('r', t, binding(BODY))).as("byte %d", i)
          .isInstanceOf(AuthzenException.class);
    }
  }

  @Test
  void openWhenReusedWithDifferentRequestThen400() {
    PageTokens tokens = new PageTokens(KEY);
    String t = tokens.seal('r', "10.5555/A", binding(BODY));
    JsonObject otherLimit = BODY.copy().put("page", new JsonObject().put("limit", 3));
    JsonObject otherSubject = BODY.copy().put("subject", new JsonObject().put("type", "user").put("id", "mallory"));
    for (JsonObject other : new JsonObject[] {otherLimit, otherSubject}) {
      assertThatThrownBy(() -> tokens.open('r', t, binding(other))).isInstanceOf(AuthzenException.class)
          .hasMessageContaining("page.token");
    }
    assertThatThrownBy(() -> tokens.open('r', t, PageTokens.binding("resource", "other-client", BODY)))
        .isInstanceOf(AuthzenException.class);
    assertThatThrownBy(() -> tokens.open('r', t, PageTokens.binding("subject", "portal", BODY)))
        .isInstanceOf(AuthzenException.class);
    assertThatThrownBy(() -> tokens.open('s', t, binding(BODY))).isInstanceOf(AuthzenException.class);
  }

  @Test
  void bindingWhenOnlyMemberOrderOrTokenDiffersThenSame() {
    JsonObject reordered = new JsonObject("""
        {"page":{"token":"whatever","limit":2},"resource":{"type":"dataset"},"action":{"name":"read"},
         "subject":{"id":"alice","type":"user"}}""");
    assertThat(binding(reordered)).isEqualTo(binding(BODY));
  }
}
