package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import eu.panosc.aai.registry.SpRegistration;
import eu.panosc.aai.saml.sp.SpEndpoints;
import eu.panosc.aai.saml.sp.SpMetadata;
import eu.panosc.aai.saml.sp.TestSamlKeys;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The broker's SP keeps itself registered in the real federation-registry (one process in demo mode) through the
 * registry's public admin API: registered and approved, then served over MDQ; unchanged metadata is left alone, new
 * metadata (rotated keys) replaces the old, a member an administrator suspended stays suspended. The broker's own
 * start-up registration uses a token it issues itself; its public URL here is http, which the registry refuses as an
 * SP entityID (https or urn only), so that attempt is checked to reach the registry's validation (the token was
 * accepted) and to be logged and retried; the round trips below use an https SP entity id.
 */
class SpRegistrationIT {
  private static final String SP = "https://sp.test.example/aai/saml2/sp/metadata";

  @TempDir
  Path dataDir;

  private static String adminToken(String base) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID("registry-admin"), new Secret("registry-admin-demo-secret")),
        new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), new com.nimbusds.oauth2.sdk.Scope("registry:admin"))
        .toHTTPRequest().send()).toSuccessResponse().getTokens().getAccessToken().getValue();
  }

  private static String metadata(boolean rotated) {
    return new SpMetadata(SpEndpoints.under(URI.create("https://sp.test.example/aai")),
        rotated ? TestSamlKeys.other() : TestSamlKeys.signing(), TestSamlKeys.encryption(), List.of(),
        "security@sp.test.example", Clock.systemUTC()).signedXml();
  }

  @Test
  void registerWhenRunAgainstTheRegistryThenApprovedServedOverMdqUpdatedAndSuspensionRespected() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger(SpRegistration.class);
    logger.addAppender(log);
    Platform platform = AaiPlatform.start(dataDir, true, Map.of());
    try {
      String base = platform.baseUrl().toString().replaceAll("/+$", "");
      for (int i = 0; i < 40 && log.list.isEmpty(); i++) {
        Thread.sleep(250);
      }
      assertThat(log.list).as("the broker's own attempt reached the registry's validation (its token was accepted)")
          .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("HTTP 400")
              .contains("must be an absolute https URL or a urn").contains("retrying in"));

      String token = adminToken(base);
      AtomicReference<String> xml = new AtomicReference<>(metadata(false));
      SpRegistration registration = new SpRegistration(platform.vertx(), URI.create(base + "/registry"),
          () -> Future.succeededFuture(token), SP, xml::get);
      try {
        assertThat(registration.registerOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
            .isEqualTo(SpRegistration.Outcome.REGISTERED);
        String member = base + "/registry/admin/v1/saml-entities/" + URLEncoder.encode(SP, StandardCharsets.UTF_8);
        JsonObject stored = new JsonObject(Http.getAuthorized(member, token).body());
        assertThat(stored.getString("state")).isEqualTo("approved");
        HttpResponse<String> mdq = Http.get(base + "/registry/mdq/entities/" + URLEncoder.encode(SP,
            StandardCharsets.UTF_8));
        assertThat(mdq.statusCode()).as(mdq.body()).isEqualTo(200);
        assertThat(mdq.body()).contains("entityID=\"" + SP + "\"").contains("SPSSODescriptor");

        assertThat(registration.registerOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
            .isEqualTo(SpRegistration.Outcome.UNCHANGED);

        xml.set(metadata(true));
        assertThat(registration.registerOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
            .isEqualTo(SpRegistration.Outcome.UPDATED);
        assertThat(new JsonObject(Http.getAuthorized(member, token).body()).getString("metadata"))
            .isEqualTo(xml.get());

        assertThat(Http.sendJson("POST", member + "/suspend", token, null).statusCode()).isEqualTo(200);
        assertThat(registration.registerOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
            .isEqualTo(SpRegistration.Outcome.SUSPENDED);
        assertThat(new JsonObject(Http.getAuthorized(member, token).body()).getString("state"))
            .as("an administrator's suspension stands").isEqualTo("suspended");
      } finally {
        registration.close();
      }
    } finally {
      logger.detachAppender(log);
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
