package eu.panosc.aai;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;

/**
 * Verifies ES256 JWS with the JDK alone (no JOSE library), so tests check our tokens independently of
 * the code that signs them.
 */
final class JdkEs256 {
  private JdkEs256() {}

  static JsonObject verify(String jwt, JsonObject jwks) throws Exception {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      throw new AssertionError("not a JWS compact serialization");
    }
    Base64.Decoder b64 = Base64.getUrlDecoder();
    JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
    if (!"ES256".equals(header.getString("alg"))) {
      throw new AssertionError("alg " + header.getString("alg"));
    }
    JsonObject jwk = jwks.getJsonArray("keys").stream().map(k -> (JsonObject) k)
        .filter(k -> header.getString("kid").equals(k.getString("kid"))).findFirst()
        .orElseThrow(() -> new AssertionError("kid not in JWKS"));
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(publicKey(jwk));
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    if (!verifier.verify(der(b64.decode(parts[2])))) {
      throw new AssertionError("signature does not verify");
    }
    return new JsonObject().put("header", header)
        .put("claims", new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8)));
  }

  private static PublicKey publicKey(JsonObject jwk) throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    Base64.Decoder b64 = Base64.getUrlDecoder();
    ECPoint w = new ECPoint(new BigInteger(1, b64.decode(jwk.getString("x"))), new BigInteger(1, b64.decode(jwk.getString("y"))));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }

  /** JWS ECDSA signatures are R||S (RFC 7518 §3.4); the JDK wants ASN.1 DER. */
  private static byte[] der(byte[] rs) {
    byte[] r = integer(java.util.Arrays.copyOfRange(rs, 0, 32));
    byte[] s = integer(java.util.Arrays.copyOfRange(rs, 32, 64));
    byte[] out = new byte[2 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (r.length + s.length);
    System.arraycopy(r, 0, out, 2, r.length);
    System.arraycopy(s, 0, out, 2 + r.length, s.length);
    return out;
  }

  private static byte[] integer(byte[] v) {
    byte[] positive = new BigInteger(1, v).toByteArray();
    byte[] out = new byte[2 + positive.length];
    out[0] = 0x02;
    out[1] = (byte) positive.length;
    System.arraycopy(positive, 0, out, 2, positive.length);
    return out;
  }
}
