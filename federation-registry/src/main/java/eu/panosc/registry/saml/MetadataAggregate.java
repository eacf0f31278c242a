package eu.panosc.registry.saml;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Builds the federation's signed {@code md:EntitiesDescriptor} (attributes {@code ID}, {@code Name},
 * {@code validUntil} = now + validity, {@code cacheDuration}) from validated entities, streaming.
 *
 * <p>No DOM of the aggregate is ever built. The root start tag is written in canonical form and each
 * entity contributes its precomputed {@link SamlEntity#canonicalXml()}, so the reference digest
 * (enveloped-signature + exclusive C14N) is one SHA-256 pass over bytes already in memory; Santuario then
 * signs the small SignedInfo and the document is written with the signature as the root's first child and
 * each entity's standalone {@link SamlEntity#xml()}. 12 000 entities of 9 KB cost two linear passes over
 * ~100 MB and one signature, and memory is the output plus the entities.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata §2.3.1, §3</a>
 * @see <a href="https://www.w3.org/TR/xml-exc-c14n/">Exclusive XML Canonicalization</a>
 */
public final class MetadataAggregate {
  private static final byte[] XML_DECLARATION =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NEWLINE = {'\n'};
  private static final byte[] ROOT_END = "</md:EntitiesDescriptor>".getBytes(StandardCharsets.UTF_8);
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /**
   * What the aggregate says about itself.
   *
   * @param name the {@code Name} attribute, usually the federation's metadata URL
   * @param validity how long after {@code now} the aggregate stays valid ({@code validUntil})
   * @param cacheDuration the {@code cacheDuration} hint to consumers
   */
  public record Settings(String name, Duration validity, Duration cacheDuration) {
    public Settings {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("aggregate name must not be blank");
      }
      requirePositive(validity, "validity");
      requirePositive(cacheDuration, "cacheDuration");
    }
  }

  private final XmlSigning signing;
  private final Settings settings;
  private final java.util.function.Supplier<String> ids;

  public MetadataAggregate(XmlSigning signing, Settings settings) {
    this(signing, settings, MetadataAggregate::newId);
  }

  /** For tests that compare two builds byte for byte: {@code ids} names each aggregate. */
  MetadataAggregate(XmlSigning signing, Settings settings, java.util.function.Supplier<String> ids) {
    this.signing = Objects.requireNonNull(signing, "signing");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  /** The settings this builder writes. */
  public Settings settings() {
    return settings;
  }

  /**
   * The signed aggregate of {@code entities}, in the given order.
   *
   * @throws MetadataException if the list is empty (the schema needs one entity) or repeats an entityID
   */
  public byte[] build(List<SamlEntity> entities, Instant now) {
    Plan plan = plan(entities, now);
    ExactBuffer out = new ExactBuffer(plan.size(entities));
    try {
      write(plan, entities, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.result();
  }

  /** Writes the signed aggregate to {@code out} (e.g. a file) without holding it in memory. */
  public void write(List<SamlEntity> entities, Instant now, OutputStream out) throws IOException {
    write(plan(entities, now), entities, out);
  }

  /** The {@code validUntil} an aggregate built at {@code now} carries. */
  public Instant validUntil(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).plus(settings.validity());
  }

  private record Plan(byte[] rootStart, byte[] signature) {
    long size(List<SamlEntity> entities) {
      long size = XML_DECLARATION.length + rootStart.length + signature.length + 1L + ROOT_END.length;
      for (SamlEntity e : entities) {
        size += e.rawXml().length + 1L;
      }
      return size;
    }
  }

  private Plan plan(List<SamlEntity> entities, Instant now) {
    Objects.requireNonNull(now, "now");
    if (entities.isEmpty()) {
      throw new MetadataException("an aggregate needs at least one entity");
    }
    Set<String> ids = new HashSet<>(entities.size() * 2);
    for (SamlEntity e : entities) {
      if (!ids.add(e.entityId())) {
        throw new MetadataException("entity " + e.entityId() + " appears more than once in the aggregate");
      }
    }
    String id = this.ids.get();
    byte[] rootStart = rootStart(id, validUntil(now));
    MessageDigest digest = sha256();
    digest.update(rootStart);
    digest.update(NEWLINE);
    for (SamlEntity e : entities) {
      digest.update(e.rawCanonicalXml());
      digest.update(NEWLINE);
    }
    digest.update(ROOT_END);
    return new Plan(rootStart, signing.signatureForDigest(id, digest.digest()));
  }

  private static void write(Plan plan, List<SamlEntity> entities, OutputStream out) throws IOException {
    out.write(XML_DECLARATION);
    out.write(plan.rootStart());
    out.write(plan.signature());
    out.write(NEWLINE);
    for (SamlEntity e : entities) {
      out.write(e.rawXml());
      out.write(NEWLINE);
    }
    out.write(ROOT_END);
    out.flush();
  }

  /**
   * The root start tag exactly as exclusive C14N renders it: the {@code md} declaration, then the
   * unqualified attributes in code-point order (ID, Name, cacheDuration, validUntil).
   */
  private byte[] rootStart(String id, Instant validUntil) {
    String tag = "<md:EntitiesDescriptor xmlns:md=\"" + SamlNames.MD + "\""
        + " ID=\"" + id + "\""
        + " Name=\"" + escapeAttribute(settings.name()) + "\""
        + " cacheDuration=\"" + settings.cacheDuration() + "\""
        + " validUntil=\"" + DateTimeFormatter.ISO_INSTANT.format(validUntil) + "\">";
    return tag.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A fresh, unpredictable ID for the signed root: {@code _} and 128 random bits in hex. Member IDs are
   * dropped at parsing, and an ID nobody can guess cannot be planted in the aggregate ahead of it.
   */
  static String newId() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    return "_" + java.util.HexFormat.of().formatHex(bits);
  }

  /** Attribute value escaping of canonical XML (C14N 1.0 §2.3). */
  static String escapeAttribute(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '"' -> sb.append("&quot;");
        case '\t' -> sb.append("&#x9;");
        case '\n' -> sb.append("&#xA;");
        case '\r' -> sb.append("&#xD;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a mandatory JDK algorithm", e);
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /** An output stream into an array of the exact final size: no growth copies for a 100 MB aggregate. */
  private static final class ExactBuffer extends OutputStream {
    private final byte[] bytes;
    private int position;

    ExactBuffer(long size) {
      if (size > Integer.MAX_VALUE - 16) {
        throw new MetadataException("the aggregate would exceed 2 GB; write it to a stream instead");
      }
      bytes = new byte[(int) size];
    }

    @Override
    public void write(int b) {
      bytes[position++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, bytes, position, len);
      position += len;
    }

    byte[] result() {
      if (position != bytes.length) {
        throw new IllegalStateException("aggregate size mismatch");
      }
      return bytes;
    }
  }
}
