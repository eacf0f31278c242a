package eu.panosc.controlplane;

import eu.panosc.controlplane.ControlPlaneHttp.Failure;
import eu.panosc.controlplane.ControlPlaneHttp.Refused;
import picocli.CommandLine.Option;

/**
 * The options of a command that reads a control plane's API with a bearer token: where it runs and how the token is
 * got (given, or by the client credentials grant). A picocli mixin shared by {@code panosc report} and
 * {@code panosc mesh istio}.
 */
final class Credentials {
  @Option(names = "--url", defaultValue = "${PANOSC_URL:-http://localhost:8080}",
      description = "Control plane URL (default: the environment variable PANOSC_URL, else http://localhost:8080).")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Bearer token with the scope this command needs (default: the environment variable "
          + "PANOSC_TOKEN).")
  String token;

  @Option(names = "--client", paramLabel = "CLIENT_ID",
      description = "Get a token with the client credentials grant for this client (the scope this command needs).")
  String client;

  @Option(names = "--client-secret", paramLabel = "SECRET",
      description = "The client's secret (default: the environment variable PANOSC_CLIENT_SECRET).")
  String clientSecret;

  /** The bearer token for {@code scope} through {@code http} (see {@link ControlPlaneHttp#bearer}). */
  String bearer(ControlPlaneHttp http, java.util.function.Function<String, String> env, String scope)
      throws Failure, Refused {
    return http.bearer(token, client, clientSecret, env, scope);
  }
}
