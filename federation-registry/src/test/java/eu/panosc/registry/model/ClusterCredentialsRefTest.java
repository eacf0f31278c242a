package eu.panosc.registry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A cluster's {@code credentialsRef} names a secret, never a path out of where secrets are kept: a reference with an
 * empty, {@code .} or {@code ..} segment is refused (a 400 naming the field), a plain or nested one is kept as given.
 */
class ClusterCredentialsRefTest {
  private final MemberValidator validator = new MemberValidator(false, xml -> {
    throw new AssertionError("no SAML here");
  });

  private static JsonObject cluster(String credentialsRef) {
    return new JsonObject().put("id", "psi-k8s").put("apiUrl", "https://k8s.psi.example:6443")
        .put("credentialsRef", credentialsRef).put("capacity", new JsonObject().put("cpu", 8).put("memoryGi", 32));
  }

  @ParameterizedTest
  @ValueSource(strings = {"secret/psi-k8s", "secret/psi.k8s.token", "vault/kv/data/psi-k8s", "secret/.hidden"})
  void keepsAReferenceWithoutDotSegments(String ref) {
    MemberDraft d = validator.validate(MemberKind.CLUSTER, cluster(ref));

    assertThat(d.document().getString("credentialsRef")).isEqualTo(ref);
  }

  @ParameterizedTest
  @ValueSource(strings = {"secret/../x", "secret/..", "secret/./x", "secret/a/../../etc/passwd", "vault/kv//x",
      "secret/x/", "secret/.", "vault/a/.."})
  void refusesAReferenceWithAnEmptyOrDotSegment(String ref) {
    assertThatThrownBy(() -> validator.validate(MemberKind.CLUSTER, cluster(ref)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("/credentialsRef");
          assertThat(e.reason()).contains("\"..\"");
        });
  }
}
