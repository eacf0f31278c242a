package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import eu.panosc.aai.AaiApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
  static Path dataDir;

  @TempDir
  static Path downloads;

  static Platform platform;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(WebDriver.available(), "chromium and chromedriver (Debian chromium, chromium-driver) are not installed");
    int port = Http.freePort();
    platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication()), true,
        Map.of("server.port", Integer.toString(port), "server.publicBaseUrl", "http://127.0.0.1:" + port),
        Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  static boolean exists(WebDriver b, String css) {
    try {
      return !b.findAll(css).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String url(WebDriver b) {
    try {
      return b.currentUrl();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String body(WebDriver b) {
    try {
      return b.text(b.find("body"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
      await(b, "the discovery page", () -> url(b).startsWith(base + "/aai/discovery?req="));
      String discovery = b.currentUrl();
      assertThat(b.attribute(b.find("html"), "lang")).isEqualTo("en");
      assertThat(b.text(b.find("label[for=q]"))).contains("Find your identity provider");
      assertThat(b.text(b.find("a.upstream"))).isEqualTo("Sign in with UmbrellaID (demo)");

      b.type(b.find("#q"), "umbrella\uE007");
      await(b, "the filtered page", () -> url(b).contains("q=umbrella"));
      assertThat(b.findAll("a.upstream")).hasSize(1);
      assertThat(exists(b, "#password")).as("the demo form does not match").isFalse();

      b.get(discovery);
      b.type(b.find("#username"), "alice");
      b.type(b.find("#password"), "alice-demo-pw\uE007");
      await(b, "the account page", () -> url(b).equals(base + "/aai/account") && exists(b, "h1"));
      assertThat(b.text(b.find("h1"))).isEqualTo("Your account");
      assertThat(body(b)).contains("alice@demo.panosc.eu").contains("(this browser)");

      b.click(b.find("form[action='/aai/account/link'] button"));
      await(b, "the discovery page of the link", () -> url(b).startsWith(base + "/aai/discovery?req="));
      b.click(b.find("a.upstream"));
      await(b, "the stand-in's login form", () -> url(b).startsWith(base + "/aai/demo/umbrellaid/")
          && exists(b, "#password"));
      b.type(b.find("#username"), "dave");
      b.type(b.find("#password"), "dave-demo-pw\uE007");
      await(b, "the confirmation page", () -> url(b).startsWith(base + "/aai/account/link?req="));
      assertThat(b.text(b.find("h1"))).isEqualTo("Link this account?");
      assertThat(body(b)).contains("UmbrellaID (demo)").contains("dave@demo.panosc.eu");
      b.click(b.find("form[action='/aai/account/link/confirm'] button"));
      await(b, "the account page again", () -> url(b).equals(base + "/aai/account") && exists(b, "tr.identity"));
      assertThat(b.findAll("tr.identity")).hasSize(2);
      assertThat(body(b)).contains("dave@demo.panosc.eu").contains("UmbrellaID (demo)").contains("Demo users");
      assertThat(b.findAll("form[action='/aai/account/sessions/end'] button")).hasSize(1);
      assertThat(b.findAll("form[action='/aai/account/unlink'] button")).hasSize(1);
    }
  }
}
