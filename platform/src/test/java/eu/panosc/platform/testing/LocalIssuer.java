package eu.panosc.platform.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in token issuer for tests of protected APIs, until (and independently of) the aai-broker:
 * serves its JWKS over HTTP and mints RFC 9068 access tokens. Configure a platform with
 * {@link #configOverrides()}.
 */
public final class LocalIssuer implements AutoCloseable {
  private final HttpServer server;
  private final ECKey key;
  private final String issuer;

  private LocalIssuer(HttpServer server, ECKey key) {
    this.server = server;
    this.key = key;
    this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/aai";
  }

  public static LocalIssuer start() {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_256).keyID("test-" + UUID.randomUUID()).generate();
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      server.createContext("/aai/jwks", exchange -> {
        exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
        exchange.sendResponseHeaders(200, jwks.length);
        exchange.getResponseBody().write(jwks);
        exchange.close();
      });
      server.start();
      return new LocalIssuer(server, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String issuer() {
    return issuer;
  }

  /** Configuration keys that make a platform trust this issuer. */
  public Map<String, String> configOverrides() {
    return Map.of("auth.issuer", issuer, "auth.jwksUri", issuer + "/jwks");
  }

  /** A token for {@code audience} (a service URL such as {@code http://localhost:8080/registry}). */
  public String token(String audience, String clientId, String... scopes) {
    return token(audience, clientId, Map.of(), scopes);
  }

  /** The same with {@code extra} claims (e.g. {@code sub}, {@code voperson_id}), which override the defaults. */
  public String token(String audience, String clientId, Map<String, Object> extra, String... scopes) {
    Date now = new Date();
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
        .issuer(issuer).subject(clientId).audience(audience).claim("client_id", clientId)
        .claim("scope", String.join(" ", scopes)).issueTime(now).jwtID(UUID.randomUUID().toString())
        .expirationTime(new Date(now.getTime() + 300_000));
    extra.forEach(b::claim);
    JWTClaimsSet claims = b.build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt"))
        .keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
