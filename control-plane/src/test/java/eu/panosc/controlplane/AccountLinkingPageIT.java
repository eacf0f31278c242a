package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.registry.RegistryApplication;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aai-broker's discovery and account pages in a real headless Chromium (Debian {@code chromium} +
 * {@code chromium-driver}, skipped when absent), in demo mode with its two upstreams: alice opens her account page,
 * is sent to the discovery page, searches it with the keyboard (the GET form, no script), signs in with the demo
 * password form, links a second identity by signing in at the UmbrellaID stand-in (SAML, its auto-post form), confirms,
 * and sees both identities, her session and the sign-out buttons.
 */
class AccountLinkingPageIT {
  @TempDir
  static Path downloads;

  @RegisterExtension
  static final DemoStack STACK = new DemoStack(RegistryApplication::new, AaiApplication::new).onLoopbackPort()
      .onlyIf(WebDriver::available, "chromium and chromedriver (Debian chromium, chromium-driver) are not installed");
  static String base;

  @BeforeAll
  static void start() {
    base = STACK.base();
  }

  /** Waits for {@code condition}; on timeout the message names where the browser is and what it shows. */
  static void await(WebDriver b, String what, java.util.function.Supplier<Boolean> condition) throws Exception {
    try {
      WebDriver.await(what, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " at " + b.currentUrl() + ": " + b.source(), e);
    }
  }

  @Test
  void accountWhenAliceLinksTheUmbrellaIdStandInThenBothIdentitiesAreListed() throws Exception {
    try (WebDriver b = new WebDriver(downloads)) {
      b.get(base + "/aai/account");
      await(b, "the discovery page", () -> b.urlNow().startsWith(base + "/aai/discovery?req="));
      String discovery = b.currentUrl();
      assertThat(b.attribute(b.find("html"), "lang")).isEqualTo("en");
      assertThat(b.text(b.find("label[for=q]"))).contains("Find your identity provider");
      assertThat(b.text(b.find("a.upstream"))).isEqualTo("Sign in with UmbrellaID (demo)");

      b.type(b.find("#q"), "umbrella\uE007");
      await(b, "the filtered page", () -> b.urlNow().contains("q=umbrella"));
      assertThat(b.findAll("a.upstream")).hasSize(1);
      assertThat(b.has("#password")).as("the demo form does not match").isFalse();

      b.get(discovery);
      b.type(b.find("#username"), "alice");
      b.type(b.find("#password"), "alice-demo-pw\uE007");
      await(b, "the account page", () -> b.urlNow().equals(base + "/aai/account") && b.has("h1"));
      assertThat(b.text(b.find("h1"))).isEqualTo("Your account");
      assertThat(b.bodyText()).contains("alice@demo.panosc.eu").contains("(this browser)");

      b.click(b.find("form[action='/aai/account/link'] button"));
      await(b, "the discovery page of the link", () -> b.urlNow().startsWith(base + "/aai/discovery?req="));
      b.click(b.find("a.upstream"));
      await(b, "the stand-in's login form", () -> b.urlNow().startsWith(base + "/aai/demo/umbrellaid/")
          && b.has("#password"));
      b.type(b.find("#username"), "dave");
      b.type(b.find("#password"), "dave-demo-pw\uE007");
      await(b, "the confirmation page", () -> b.urlNow().startsWith(base + "/aai/account/link?req="));
      assertThat(b.text(b.find("h1"))).isEqualTo("Link this account?");
      assertThat(b.bodyText()).contains("UmbrellaID (demo)").contains("dave@demo.panosc.eu");
      b.click(b.find("form[action='/aai/account/link/confirm'] button"));
      await(b, "the account page again", () -> b.urlNow().equals(base + "/aai/account") && b.has("tr.identity"));
      assertThat(b.findAll("tr.identity")).hasSize(2);
      assertThat(b.bodyText()).contains("dave@demo.panosc.eu").contains("UmbrellaID (demo)").contains("Demo users");
      assertThat(b.findAll("form[action='/aai/account/sessions/end'] button")).hasSize(1);
      assertThat(b.findAll("form[action='/aai/account/unlink'] button")).hasSize(1);
    }
  }
}
