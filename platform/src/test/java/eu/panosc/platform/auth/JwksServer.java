package eu.panosc.platform.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A real HTTP server publishing a JWK Set, counting fetches; its keys and status can change mid-test. */
final class JwksServer {

  private final AtomicReference<JWKSet> keys = new AtomicReference<>(new JWKSet());
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger hits = new AtomicInteger();
  private final HttpServer server;

  private JwksServer(HttpServer server) {
    this.server = server;
  }

  static JwksServer start(Vertx vertx, List<JWK> publicKeys) {
    HttpServer http = vertx.createHttpServer();
    JwksServer jwks = new JwksServer(http);
    jwks.publish(publicKeys);
    http.requestHandler(req -> {
      jwks.hits.incrementAndGet();
      req.response()
          .setStatusCode(jwks.status.get())
          .putHeader("Content-Type", "application/jwk-set+json")
          .end(jwks.status.get() == 200 ? jwks.keys.get().toString() : "{\"error\":\"down\"}");
    });
    http.listen(0, "localhost").await();
    return jwks;
  }

  void publish(List<JWK> publicKeys) {
    keys.set(new JWKSet(publicKeys));
  }

  void respondWith(int httpStatus) {
    status.set(httpStatus);
  }

  int hits() {
    return hits.get();
  }

  URI uri() {
    return URI.create("http://localhost:" + server.actualPort() + "/.well-known/jwks.json");
  }
}
