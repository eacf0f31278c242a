package eu.panosc.keycloak.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.keycloak.usage.AccountingSink;
import eu.panosc.keycloak.usage.HttpAccountingSink;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operator reads when a peer is down: the cause, never "null", and never the secret. */
class ClientCredentialsUnreachableTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A port nothing listens on (bound, then closed). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void reasonIsTheMessageOrElseTheExceptionType() {
    assertThat(ClientCredentials.reason(new ConnectException())).isEqualTo("ConnectException");
    assertThat(ClientCredentials.reason(new IOException(" "))).isEqualTo("IOException");
    assertThat(ClientCredentials.reason(new IOException("connection reset"))).isEqualTo("connection reset");
  }

  @Test
  void tokenEndpointDownNamesEndpointAndCauseWithoutSecret() throws IOException {
    URI endpoint = URI.create("http://127.0.0.1:" + closedPort() + "/aai/token");
    ClientCredentials credentials = new ClientCredentials(HTTP, endpoint, "esrf-keycloak", "s3cret-value",
        "accounting:ingest", Clock.systemUTC());

    assertThatThrownBy(credentials::token).isInstanceOf(ClientCredentials.TokenException.class)
        .hasMessageStartingWith("token endpoint " + endpoint + " unreachable: ")
        .hasMessageNotContaining("null").hasMessageNotContaining("s3cret-value");
  }

  @Test
  void usageShipmentWithTokenEndpointDownIsRetriedWithTheCause() throws IOException {
    URI endpoint = URI.create("http://127.0.0.1:" + closedPort() + "/aai/token");
    HttpAccountingSink sink = new HttpAccountingSink(HTTP, URI.create("http://127.0.0.1:" + closedPort()
        + "/accounting"), new ClientCredentials(HTTP, endpoint, "esrf-keycloak", "s3cret-value", "accounting:ingest",
        Clock.systemUTC()));

    AccountingSink.Result result = sink.send(List.of("{}"));

    assertThat(result.outcome()).isEqualTo(AccountingSink.Outcome.RETRY);
    assertThat(result.detail()).startsWith("token endpoint " + endpoint + " unreachable: ").doesNotContain("null")
        .doesNotContain("s3cret-value");
  }
}
