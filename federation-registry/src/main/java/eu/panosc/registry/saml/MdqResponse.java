package eu.panosc.registry.saml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * One signed metadata document as an MDQ responder serves it: body, strong ETag (SHA-256 of the body),
 * Cache-Control, media type and a gzip variant made once on first use. No HTTP types: a route copies
 * these into its response.
 *
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-young-md-query">Metadata Query Protocol §5</a>
 */
public final class MdqResponse {
  private final byte[] body;
  private final String hash;
  private final String cacheControl;
  private final Instant validUntil;
  private volatile byte[] gzipBody;

  MdqResponse(byte[] body, String cacheControl, Instant validUntil) {
    this.body = Objects.requireNonNull(body, "body");
    this.cacheControl = Objects.requireNonNull(cacheControl, "cacheControl");
    this.validUntil = Objects.requireNonNull(validUntil, "validUntil");
    this.hash = Base64.getUrlEncoder().withoutPadding().encodeToString(MetadataAggregate.sha256().digest(body));
  }

  /** The signed XML. Do not modify the returned array: it is shared with other requests. */
  public byte[] body() {
    return body;
  }

  /** The body gzip-compressed, computed once. Do not modify the returned array. */
  public byte[] gzipBody() {
    byte[] g = gzipBody;
    if (g == null) {
      synchronized (this) {
        g = gzipBody;
        if (g == null) {
          g = gzip(body);
          gzipBody = g;
        }
      }
    }
    return g;
  }

  /** Strong ETag of the identity-coded body, quoted. */
  public String etag() {
    return "\"" + hash + "\"";
  }

  /** Strong ETag of the gzip-coded body (a different representation, so a different tag). */
  public String gzipEtag() {
    return "\"" + hash + ".gz\"";
  }

  /** The ETag of the variant sent. */
  public String etag(boolean gzip) {
    return gzip ? gzipEtag() : etag();
  }

  /** The Cache-Control value for the 200 and 304 responses. */
  public String cacheControl() {
    return cacheControl;
  }

  /** {@value SamlNames#MEDIA_TYPE}. */
  public String contentType() {
    return SamlNames.MEDIA_TYPE;
  }

  /** The document's {@code validUntil}. */
  public Instant validUntil() {
    return validUntil;
  }

  /**
   * Whether an {@code If-None-Match} header value matches the variant that would be sent, using the weak
   * comparison RFC 9110 §13.1.2 prescribes; a 304 is then due.
   */
  public boolean notModified(String ifNoneMatch, boolean gzip) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
      return false;
    }
    String own = etag(gzip);
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.equals("*")) {
        return true;
      }
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(own)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
