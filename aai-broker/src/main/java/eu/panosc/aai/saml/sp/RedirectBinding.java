package eu.panosc.aai.saml.sp;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The SAML HTTP-Redirect binding (SAML Bindings §3.4): a message DEFLATE-compressed (raw, RFC 1951), base64-encoded
 * and URL-encoded into {@code SAMLRequest}/{@code SAMLResponse}, with the signature over the query string
 * {@code SAMLRequest=...&RelayState=...&SigAlg=...} exactly as sent (§3.4.4.1), RSA-SHA256 only.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf">SAML 2.0 Bindings §3.4</a>
 */
public final class RedirectBinding {
  public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
  /** An inflated message larger than this is refused (a deflate bomb costs no more than this). */
  public static final int MAX_INFLATED = 64 * 1024;
  /** A query string longer than this is refused before decoding. */
  public static final int MAX_QUERY = 16 * 1024;

  private RedirectBinding() {}

  /** DEFLATE (raw) then base64 of the UTF-8 message. */
  public static String encode(String xml) {
    Deflater deflater = new Deflater(Deflater.DEFLATED, true);
    deflater.setInput(xml.getBytes(StandardCharsets.UTF_8));
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!deflater.finished()) {
      out.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  /**
   * The message of a base64 value (inflated).
   *
   * @throws SamlMessageException when it is not base64, not DEFLATE data, or inflates beyond {@link #MAX_INFLATED}
   */
  public static byte[] decode(String value) {
    byte[] compressed;
    try {
      compressed = Base64.getMimeDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new SamlMessageException("the message is not base64");
    }
    Inflater inflater = new Inflater(true);
    inflater.setInput(compressed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new SamlMessageException("the message is not complete DEFLATE data");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_INFLATED) {
          throw new SamlMessageException("the message inflates beyond " + MAX_INFLATED + " bytes");
        }
      }
    } catch (DataFormatException e) {
      throw new SamlMessageException("the message is not DEFLATE data");
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }

  /**
   * The signed query string for {@code parameter} ({@code SAMLRequest} or {@code SAMLResponse}) carrying
   * {@code xml}, with {@code relayState} when not null.
   */
  public static String signedQuery(String parameter, String xml, String relayState, PrivateKey key) {
    StringBuilder q = new StringBuilder(parameter).append('=').append(url(encode(xml)));
    if (relayState != null) {
      q.append("&RelayState=").append(url(relayState));
    }
    q.append("&SigAlg=").append(url(RSA_SHA256));
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(q.toString().getBytes(StandardCharsets.US_ASCII));
      return q.append("&Signature=").append(url(Base64.getEncoder().encodeToString(s.sign()))).toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the redirect: " + e.getMessage(), e);
    }
  }

  /**
   * A received redirect: the raw query string split into its parameters, each kept as sent (URL-encoded) for the
   * signature check and decoded for use.
   */
  public record Received(String parameter, byte[] message, String relayState, String sigAlg, byte[] signature,
      String signedOctets) {

    /** Whether the signature verifies under one of {@code keys} (RSA-SHA256 only). */
    public boolean verifiedBy(List<PublicKey> keys) {
      if (signature == null || !RSA_SHA256.equals(sigAlg)) {
        return false;
      }
      for (PublicKey k : keys) {
        try {
          Signature s = Signature.getInstance("SHA256withRSA");
          s.initVerify(k);
          s.update(signedOctets.getBytes(StandardCharsets.US_ASCII));
          if (s.verify(signature)) {
            return true;
          }
        } catch (GeneralSecurityException e) {
          // not this key
        }
      }
      return false;
    }
  }

  /**
   * Parses the raw query string of a redirect carrying {@code parameter}.
   *
   * @throws SamlMessageException when a parameter is missing, repeated or malformed
   */
  public static Received parse(String rawQuery, String parameter) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      throw new SamlMessageException("the request has no " + parameter);
    }
    if (rawQuery.length() > MAX_QUERY) {
      throw new SamlMessageException("the request is too long");
    }
    Map<String, String> raw = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (raw.put(name, value) != null) {
        throw new SamlMessageException("the parameter " + safe(name) + " is repeated");
      }
    }
    String message = raw.get(parameter);
    if (message == null || message.isEmpty()) {
      throw new SamlMessageException("the request has no " + parameter);
    }
    StringBuilder octets = new StringBuilder(parameter).append('=').append(message);
    if (raw.containsKey("RelayState")) {
      octets.append("&RelayState=").append(raw.get("RelayState"));
    }
    String sigAlg = raw.containsKey("SigAlg") ? unurl(raw.get("SigAlg")) : null;
    if (raw.containsKey("SigAlg")) {
      octets.append("&SigAlg=").append(raw.get("SigAlg"));
    }
    byte[] signature = null;
    if (raw.containsKey("Signature")) {
      try {
        signature = Base64.getMimeDecoder().decode(unurl(raw.get("Signature")));
      } catch (IllegalArgumentException e) {
        throw new SamlMessageException("the signature is not base64");
      }
    }
    String relay = raw.containsKey("RelayState") ? unurl(raw.get("RelayState")) : null;
    if (relay != null && relay.length() > 80) {
      throw new SamlMessageException("the RelayState is longer than 80 bytes (SAML Bindings §3.4.3)");
    }
    return new Received(parameter, decode(unurl(message)), relay, sigAlg, signature, octets.toString());
  }

  static String url(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String unurl(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new SamlMessageException("a parameter has a malformed % escape");
    }
  }

  private static String safe(String name) {
    return name.matches("[A-Za-z]{1,32}") ? name : "(unnamed)";
  }
}
