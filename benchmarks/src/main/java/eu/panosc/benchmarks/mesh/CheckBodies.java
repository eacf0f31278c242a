package eu.panosc.benchmarks.mesh;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the Envoy-shaped {@code CheckRequest}s that {@link CheckLoad} builds from ExtAuthzBenchServer's requests
 * file as gRPC-framed bytes for the native driver {@code benchmarks/grpc-load/checkload.c}: per request one byte (1 =
 * the answer must allow, 0 = deny), a 4-byte big-endian length, then the gRPC message (compression flag 0, 4-byte
 * length, the serialized {@code CheckRequest}). Both drivers therefore send the very same requests.
 *
 * <pre>java -cp benchmarks.jar eu.panosc.benchmarks.mesh.CheckBodies REQUESTS-FILE BODIES-FILE</pre>
 */
public final class CheckBodies {
  private CheckBodies() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: CheckBodies REQUESTS-FILE BODIES-FILE");
    }
    List<CheckLoad.Expected> requests = CheckLoad.read(Path.of(args[0]));
    try (OutputStream file = Files.newOutputStream(Path.of(args[1]));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file))) {
      for (CheckLoad.Expected e : requests) {
        byte[] message = e.request().toByteArray();
        out.writeByte(e.permit() ? 1 : 0);
        out.writeInt(5 + message.length);
        out.writeByte(0);
        out.writeInt(message.length);
        out.write(message);
      }
    }
    System.out.println("wrote " + requests.size() + " requests to " + args[1]);
  }
}
