package eu.panosc.accounting.export.eosc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/** A static token read from a file (e.g. a mounted Kubernetes Secret) each time, so that it may be rotated. */
final class FileTokenSource implements TokenSource {
  private final Vertx vertx;
  private final Path file;

  FileTokenSource(Vertx vertx, Path file) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.file = Objects.requireNonNull(file, "file");
  }

  @Override
  public Future<String> token() {
    return vertx.fileSystem().readFile(file.toString())
        .recover(e -> Future.failedFuture(new TokenException("cannot read the token file " + file)))
        .compose(b -> {
          String t = b.toString(StandardCharsets.UTF_8).trim();
          return t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)
              ? Future.failedFuture(new TokenException("the token file " + file + " holds no single token"))
              : Future.succeededFuture(t);
        });
  }

  @Override
  public void invalidate() {
    // read again anyway next time
  }
}
