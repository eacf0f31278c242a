package eu.panosc.aai.device;

import eu.panosc.aai.registry.RegisteredClient;
import eu.panosc.aai.browser.BrowserForms;
import eu.panosc.aai.browser.ErrorPage;
import eu.panosc.aai.browser.Pages;
import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.session.Consents;
import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.GrantStore;
import eu.panosc.aai.user.PasswordConnector;
import eu.panosc.aai.user.Users;
import eu.panosc.platform.http.FormBodies;
import eu.panosc.aai.registry.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The device flow's verification page, {@code GET|POST /device} (RFC 8628 §3.3): the person enters the user code
 * (or arrives with it prefilled from {@code verification_uri_complete} and confirms it), signs in with the login
 * form unless the browser has a session, and sees the consent screen naming the client, its scopes and the code;
 * Allow creates the token family the device then redeems, Deny makes its next poll {@code access_denied}. Consent
 * is always asked (never skipped for a remembered one), against remote phishing (RFC 8628 §5.4). Forms carry the
 * CSRF token of the {@code panosc_aai_csrf} cookie; wrong, expired and used codes get an HTML page that says what
 * to do; at most {@value #MAX_WRONG_PER_BROWSER} wrong codes per browser and {@value #MAX_WRONG_PER_ADDRESS} per
 * client address per minute (RFC 8628 §5.1).
 */
public final class DeviceVerificationEndpoint {
  static final int MAX_WRONG_PER_BROWSER = 5;
  static final int MAX_WRONG_PER_ADDRESS = 30;
  static final String NOT_VALID = "This code is not valid. Check the code your device shows and type it again.";
  static final String EXPIRED = "This code has expired. Start signing in again on your device to get a new code.";
  static final String USED = "This code was already used. If you want to sign in your device again, start again "
      + "on the device to get a new code.";

  private final DeviceCodes devices;
  private final RegistryClient registry;
  private final Optional<PasswordConnector> connector;
  private final Users users;
  private final Sessions sessions;
  private final Consents consents;
  private final GrantStore grants;
  private final WrongCodeLimiter limiter;
  private final BrowserForms forms;
  /** Every failure here is an HTML page for the person, never a stack trace. */
  private static final io.vertx.core.Handler<RoutingContext> FAILURE = BrowserForms.failureHandler(
      "device verification", "Signing in your device",
      "This page could not be read. Open the sign-in address your device shows and try again.");

  public DeviceVerificationEndpoint(DeviceCodes devices, RegistryClient registry, Optional<PasswordConnector> connector,
      Users users, Sessions sessions, Consents consents, GrantStore grants, WrongCodeLimiter limiter, String cookiePath,
      boolean secureCookies) {
    this.devices = Objects.requireNonNull(devices, "devices");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.connector = Objects.requireNonNull(connector, "connector");
    this.users = Objects.requireNonNull(users, "users");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.consents = Objects.requireNonNull(consents, "consents");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.forms = new BrowserForms(cookiePath, secureCookies, sessions.lifetime().toSeconds());
  }

  public void mount(Router router) {
    router.get("/device").handler(this::show).failureHandler(FAILURE);
    router.post("/device").handler(FormBodies.reader(16 * 1024)).handler(this::submit)
        .failureHandler(FAILURE);
  }

  /** A person's failed attempt: the page to show again. */
  private static final class CodePage extends RuntimeException {
    final int status;

    CodePage(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** The pending request a typed code names, with its registered client. */
  private record Found(DeviceCodes.Request request, RegisteredClient client, String userCode) {}

  private void show(RoutingContext ctx) {
    MultiMap query = BrowserForms.query(ctx);
    String prefill = query.getAll("user_code").size() == 1 ? query.get("user_code") : "";
    String shown = UserCodes.normalize(prefill).map(UserCodes::display).orElse(prefill.length() > 32 ? "" : prefill);
    Pages.write(ctx, 200, Pages.deviceCode(forms.csrf(ctx), shown, null));
  }

  private void submit(RoutingContext ctx) {
    MultiMap form = BrowserForms.form(ctx);
    BrowserForms.checkCsrf(ctx, form, "Open the sign-in address your device shows and enter the code again.");
    String step = form.get("step");
    if (!Set.of("code", "login", "consent").contains(String.valueOf(step))) {
      throw new ErrorPage(400, "Request not understood", "This page could not be read. Open the sign-in address "
          + "your device shows and enter the code again.");
    }
    String typed = form.get("user_code");
    find(ctx, typed)
        .compose(found -> switch (step) {
          case "code" -> sessions.find(BrowserForms.cookie(ctx, Sessions.COOKIE)).compose(session -> session.isPresent()
              ? consentPage(ctx, found, session.get()) : loginPage(ctx, found, null));
          case "login" -> login(ctx, found, form.get("username"), form.get("password"));
          default -> consent(ctx, found, form.get("decision"));
        })
        .onFailure(e -> {
          if (e instanceof CodePage page) {
            Pages.write(ctx, page.status, Pages.deviceCode(forms.csrf(ctx), typed == null || typed.length() > 32 ? ""
                : typed, page.getMessage()));
          } else {
            ctx.fail(e);
          }
        });
  }

  /** Resolves the typed code to a pending request, counting every miss against the browser and its address. */
  private Future<Found> find(RoutingContext ctx, String typed) {
    String browser = "browser:" + Opaque.hash(String.valueOf(BrowserForms.cookie(ctx, BrowserForms.CSRF_COOKIE)));
    String address = "address:" + (ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress());
    if (limiter.blocked(browser, MAX_WRONG_PER_BROWSER) || limiter.blocked(address, MAX_WRONG_PER_ADDRESS)) {
      return Future.failedFuture(new CodePage(429, "Too many wrong codes. Wait a minute, then type the code your "
          + "device shows again."));
    }
    Optional<String> code = UserCodes.normalize(typed);
    if (code.isEmpty()) {
      miss(browser, address);
      return Future.failedFuture(new CodePage(400, typed == null || typed.isBlank()
          ? "Please type the code your device shows." : NOT_VALID));
    }
    return devices.findByUserCode(code.get()).compose(lookup -> switch (lookup) {
      case DeviceCodes.Pending p -> registry.client(p.request().clientId())
          .recover(e -> Future.failedFuture(new ErrorPage(503, "Sign-in temporarily unavailable",
              "The list of registered applications cannot be read right now. Please try again in a minute.")))
          .map(client -> new Found(p.request(), client.orElseThrow(() -> new ErrorPage(400, "Unknown application",
              "The application on your device is no longer registered with this federation (or is suspended), so "
                  + "you cannot sign it in. Tell its operators.")), code.get()));
      case DeviceCodes.Expired e -> fail(browser, address, 400, EXPIRED);
      case DeviceCodes.Used u -> fail(browser, address, 400, USED);
      case DeviceCodes.NotFound n -> fail(browser, address, 400, NOT_VALID);
    });
  }

  private <T> Future<T> fail(String browser, String address, int status, String message) {
    miss(browser, address);
    return Future.failedFuture(new CodePage(status, message));
  }

  private void miss(String browser, String address) {
    limiter.failed(browser);
    limiter.failed(address);
  }

  private Future<Void> loginPage(RoutingContext ctx, Found found, String message) {
    if (connector.isEmpty()) {
      return Future.failedFuture(new ErrorPage(503, "Sign-in not available",
          "No way to sign in is configured on this server yet. (The demo users can sign in only when the "
              + "control plane runs with --demo.)"));
    }
    Pages.write(ctx, 200, Pages.loginForm("device", Pages.hidden("step", "login", "user_code",
            UserCodes.display(found.userCode()), "csrf", forms.csrf(ctx)), Pages.displayName(found.client()),
        "Sign in with: " + connector.get().displayName(), message));
    return Future.succeededFuture();
  }

  private Future<Void> consentPage(RoutingContext ctx, Found found, Sessions.Session session) {
    return users.find(session.userId()).map(user -> {
      String name = user.map(u -> u.attributes().getString("name", session.userId())).orElse(session.userId());
      String code = UserCodes.display(found.userCode());
      String preamble = "<p>A device asks to sign in as you with the code <strong>" + Pages.escape(code)
          + "</strong>. Allow it only if you started signing in on that device yourself, just now, and it shows "
          + "this code.</p>";
      Pages.write(ctx, 200, Pages.consent("device", Pages.hidden("step", "consent", "user_code", code, "csrf",
          forms.csrf(ctx)), found.client(), name, found.request().scopes(), preamble,
          "The device gets tokens for these permissions; you can close this page afterwards."));
      return null;
    });
  }

  private Future<Void> login(RoutingContext ctx, Found found, String username, String password) {
    if (connector.isEmpty()) {
      return loginPage(ctx, found, null);
    }
    if (username == null || password == null) {
      return loginPage(ctx, found, Pages.WRONG_LOGIN);
    }
    return connector.get().login(username, password).compose(identity -> {
      if (identity.isEmpty()) {
        return loginPage(ctx, found, Pages.WRONG_LOGIN);
      }
      return users.recordLogin(identity.get())
          .compose(u -> sessions.create(identity.get()))
          .compose(sid -> {
            forms.setCookie(ctx, Sessions.COOKIE, sid);
            return sessions.find(sid);
          })
          .compose(session -> consentPage(ctx, found, session.orElseThrow()));
    });
  }

  private Future<Void> consent(RoutingContext ctx, Found found, String decision) {
    if (!"approve".equals(decision) && !"deny".equals(decision)) {
      return Future.failedFuture(new ErrorPage(400, "Choice not understood",
          "Please choose Allow or Deny on the previous page."));
    }
    return sessions.find(BrowserForms.cookie(ctx, Sessions.COOKIE)).compose(session -> {
      if (session.isEmpty()) {
        return loginPage(ctx, found, "Your sign-in has expired. Please sign in again.");
      }
      String client = Pages.displayName(found.client());
      if ("deny".equals(decision)) {
        return devices.deny(found.request().id()).compose(done -> done ? page(ctx, "Access denied", "You did not allow "
            + client + " access. The device will be told; you can close this page.") : stale());
      }
      Sessions.Session s = session.get();
      DeviceCodes.Request req = found.request();
      return consents.remember(s.userId(), req.clientId(), req.scopes())
          .compose(v -> grants.createFamily(req.clientId(), s.userId(), Set.copyOf(req.scopes()), req.audiences(),
              s.authTime(), s.acr(), s.amr()))
          .compose(family -> devices.approve(req.id(), family).compose(done -> {
            if (done) {
              return page(ctx, "Device signed in", "You allowed " + client + " access. Go back to your device: it "
                  + "continues by itself. You can close this page.");
            }
            return grants.revokeFamily(family).compose(x -> stale());
          }));
    });
  }

  private static Future<Void> stale() {
    return Future.failedFuture(new CodePage(400, USED));
  }

  private static Future<Void> page(RoutingContext ctx, String title, String message) {
    Pages.write(ctx, 200, Pages.message(title, message));
    return Future.succeededFuture();
  }
}
