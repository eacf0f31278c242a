package eu.panosc.platform.testing;

import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small service module for platform tests: items in its own schema, plus failure and slow routes; at shutdown it
 * records, in {@link #shutdown()}, what its own server answered when its feeds stopped and when it stopped.
 */
public final class ItemsModule implements ServiceModule {
  private final List<String> shutdown = new CopyOnWriteArrayList<>();
  private volatile ServiceContext context;

  /** At {@code stopFeeds} and {@code stop}: the step and the status of the server's readiness (or "refused"). */
  public List<String> shutdown() {
    return List.copyOf(shutdown);
  }

  @Override
  public String name() {
    return "items";
  }

  @Override
  public String title() {
    return "items test service";
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    this.context = context;
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.get("/items").handler(ctx -> context.pool().query("SELECT name FROM item ORDER BY id").execute()
        .onSuccess(rows -> {
          JsonArray names = new JsonArray();
          for (Row r : rows) {
            names.add(r.getString("name"));
          }
          ctx.json(new JsonObject().put("items", names));
        })
        .onFailure(ctx::fail));
    router.post("/items").handler(ctx -> {
      String name = JsonBodies.object(ctx).getString("name");
      if (name == null || name.isBlank()) {
        throw ApiException.invalidField("name", "must not be blank");
      }
      context.pool().preparedQuery("INSERT INTO item(name) VALUES ($1)").execute(Tuple.of(name))
          .onSuccess(r -> ctx.response().setStatusCode(201).end())
          .onFailure(e -> ctx.fail(e.getMessage() != null && e.getMessage().contains("duplicate")
              ? ApiException.conflict("an item named '" + name + "' exists") : e));
    });
    router.get("/boom").handler(ctx -> {
      throw new IllegalStateException("SECRET-internal-detail");
    });
    router.get("/thread").handler(ctx -> ctx.response().end(Thread.currentThread().getName()));
    router.get("/slow").handler(ctx -> context.vertx().setTimer(1500, t -> ctx.response().end("done")));
    router.get("/protected").handler(context.bearerAuth().requireScopes("items:read"))
        .handler(ctx -> ctx.response().end("ok"));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stopFeeds() {
    return probe("stopFeeds");
  }

  @Override
  public Future<Void> stop() {
    return probe("stop");
  }

  /** Records {@code step} with what the server's readiness answers now. */
  private Future<Void> probe(String step) {
    ServiceContext c = context;
    if (c == null) {
      return Future.succeededFuture();
    }
    HttpClient client = c.vertx().createHttpClient();
    String ready = c.baseUrl().toString().replaceAll("/+$", "") + "/health/ready";
    return client.request(new RequestOptions().setAbsoluteURI(ready).setConnectTimeout(2000))
        .compose(req -> req.send().map(r -> Integer.toString(r.statusCode())))
        .otherwise("refused")
        .map(answer -> {
          shutdown.add(step + " " + answer);
          return (Void) null;
        })
        .eventually(client::close);
  }
}
