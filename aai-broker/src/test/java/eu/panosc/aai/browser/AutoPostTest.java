package eu.panosc.aai.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AutoPostTest {
  @Test
  void htmlWhenFieldsThenEscapedHiddenInputsInOrderAndTheOneScriptMatchesItsHash() throws Exception {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("SAMLRequest", "PHNhbWw+\"><script>alert(1)</script>");
    fields.put("RelayState", "h&1");

    String html = AutoPost.html("Signing you out", "https://idp.example.org/slo?a=1&b=\"2\"", fields);

    assertThat(html).contains("action=\"https://idp.example.org/slo?a=1&amp;b=&quot;2&quot;\"")
        .doesNotContain("<script>alert(1)</script>").contains("Continue");
    assertThat(html.indexOf("name=\"SAMLRequest\"")).isLessThan(html.indexOf("name=\"RelayState\""));
    assertThat(html).contains("value=\"h&amp;1\"");
    Matcher script = Pattern.compile("<script>([^<]*)</script>").matcher(html);
    assertThat(script.find()).isTrue();
    String body = script.group(1);
    assertThat(script.find()).as("one script only").isFalse();
    String hash = "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(AutoPost.SCRIPT_HASH).isEqualTo(hash);
  }
}
