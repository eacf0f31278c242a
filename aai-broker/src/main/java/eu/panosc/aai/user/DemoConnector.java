package eu.panosc.aai.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The demo users of the demo federation ({@code docs/demo.md}), logging in with their published
 * passwords. Exists only in demo mode: {@link #create} refuses otherwise. Passwords are compared in
 * constant time, and an unknown username costs the same comparison as a known one.
 */
public final class DemoConnector implements PasswordConnector {
  public static final String ACR_SFA = "https://refeds.org/sfa";
  static final String AUTHORITY = "#demo.panosc.eu";

  private record DemoUser(byte[] passwordDigest, UpstreamIdentity identity) {}

  private final Map<String, DemoUser> users;
  private final byte[] dummyDigest = digest("not-a-demo-password");

  private DemoConnector(Map<String, DemoUser> users) {
    this.users = Map.copyOf(users);
  }

  /**
   * @throws IllegalStateException when {@code demoMode} is false: the demo passwords are public
   */
  public static DemoConnector create(JsonObject fixture, boolean demoMode) {
    if (!demoMode) {
      throw new IllegalStateException("the demo login connector is available only with --demo (its passwords are public)");
    }
    Objects.requireNonNull(fixture, "fixture");
    Map<String, DemoUser> users = new HashMap<>();
    for (Object o : fixture.getJsonArray("users")) {
      JsonObject u = (JsonObject) o;
      String id = u.getString("id");
      List<String> entitlements = new ArrayList<>();
      for (Object p : fixture.getJsonArray("proposals")) {
        JsonObject proposal = (JsonObject) p;
        for (Object m : proposal.getJsonArray("members")) {
          JsonObject member = (JsonObject) m;
          if (id.equals(member.getString("user"))) {
            String[] parts = proposal.getString("id").split(":", 2);
            entitlements.add("urn:geant:demo.panosc.eu:group:panosc:" + parts[0] + ":" + parts[1] + ":role="
                + member.getString("role") + AUTHORITY);
          }
        }
      }
      for (Object s : fixture.getJsonArray("staffRoles")) {
        JsonObject role = (JsonObject) s;
        if (id.equals(role.getString("user"))) {
          entitlements.add("urn:geant:demo.panosc.eu:group:panosc:" + role.getString("facility") + ":staff:role="
              + role.getString("role") + AUTHORITY);
        }
      }
      UpstreamIdentity identity = new UpstreamIdentity(id, u.getString("name"), u.getString("email"), entitlements,
          List.of("https://refeds.org/assurance/IAP/low"), ACR_SFA, List.of("pwd"));
      users.put(u.getString("username"), new DemoUser(digest(u.getString("password")), identity));
    }
    return new DemoConnector(users);
  }

  @Override
  public String id() {
    return "demo";
  }

  @Override
  public String displayName() {
    return "Demo users (docs/demo.md)";
  }

  @Override
  public Future<Optional<UpstreamIdentity>> login(String username, String password) {
    DemoUser user = username == null ? null : users.get(username);
    byte[] expected = user == null ? dummyDigest : user.passwordDigest();
    boolean match = MessageDigest.isEqual(expected, digest(password == null ? "" : password));
    return Future.succeededFuture(user != null && match ? Optional.of(user.identity()) : Optional.empty());
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every demo user's identity (the fixture pre-registers some of them). */
  public java.util.List<UpstreamIdentity> identities() {
    return users.values().stream().map(DemoUser::identity).toList();
  }
}
