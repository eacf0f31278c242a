package eu.panosc.platform.crypto;

import eu.panosc.platform.crypto.EnvelopeException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals stored private keys: AES-256-GCM under the current key-encryption key, a random 96-bit nonce per seal, a
 * 128-bit tag. The envelope is text, {@code pk1.<kekId>.<nonce>.<ciphertext and tag>} (base64url), so that it names
 * its format version and the KEK that opens it. The caller's {@code context}, the identity of the row the
 * envelope is stored in (e.g. {@code aai.signing_key/<kid>}), is authenticated with the version and KEK id as
 * associated data: an envelope copied into another row, or edited in any byte, does not open. Previous KEKs open
 * envelopes but never seal; {@link #isCurrent(String)} tells which envelopes to re-seal after a KEK rotation.
 *
 * @see <a href="https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf">NIST SP 800-38D (GCM)</a>
 */
public final class EnvelopeEncryption {
  /** The envelope format version this code writes and reads. */
  public static final String VERSION = "pk1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final KeyEncryptionKey current;
  private final Map<String, KeyEncryptionKey> all;
  private final SecureRandom random = new SecureRandom();

  /** Seals with {@code current}; opens with it and with {@code previous}. */
  public EnvelopeEncryption(KeyEncryptionKey current, List<KeyEncryptionKey> previous) {
    this.current = Objects.requireNonNull(current, "current");
    Map<String, KeyEncryptionKey> keys = new LinkedHashMap<>();
    keys.put(current.id(), current);
    previous.forEach(k -> keys.putIfAbsent(k.id(), k));
    this.all = Map.copyOf(keys);
  }

  /** The id of the KEK that seals. */
  public String currentKekId() {
    return current.id();
  }

  /** The ids of every KEK that opens, current first. */
  public List<String> kekIds() {
    List<String> ids = new ArrayList<>(List.of(current.id()));
    all.keySet().stream().filter(id -> !id.equals(current.id())).sorted().forEach(ids::add);
    return ids;
  }

  /** Seals {@code plaintext} for the row {@code context}. */
  public String seal(byte[] plaintext, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, current.key(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(current.id(), context));
      byte[] sealed = c.doFinal(plaintext);
      return VERSION + "." + current.id() + "." + B64.encodeToString(nonce) + "." + B64.encodeToString(sealed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  /** {@link #seal(byte[], String)} of UTF-8 text. */
  public String sealText(String plaintext, String context) {
    return seal(plaintext.getBytes(StandardCharsets.UTF_8), context);
  }

  /**
   * Opens an envelope stored in the row {@code context}.
   *
   * @throws EnvelopeException when it is malformed, sealed under an unknown KEK, or does not authenticate
   */
  public byte[] open(String envelope, String context) {
    String[] parts = parts(envelope);
    KeyEncryptionKey kek = all.get(parts[1]);
    if (kek == null) {
      throw new EnvelopeException(Reason.UNKNOWN_KEK, "sealed under key-encryption key " + parts[1]
          + ", which is neither the current nor a previous one");
    }
    try {
      byte[] nonce = B64D.decode(parts[2]);
      byte[] sealed = B64D.decode(parts[3]);
      if (nonce.length != NONCE_BYTES || sealed.length < TAG_BITS / 8) {
        throw new EnvelopeException(Reason.MALFORMED, "not a " + VERSION + " envelope");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, kek.key(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(kek.id(), context));
      return c.doFinal(sealed);
    } catch (IllegalArgumentException e) {
      throw new EnvelopeException(Reason.MALFORMED, "not a " + VERSION + " envelope");
    } catch (AEADBadTagException e) {
      throw new EnvelopeException(Reason.TAMPERED, "does not authenticate under key-encryption key " + kek.id()
          + " for " + context + ": changed, or moved from another row");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  /** {@link #open(String, String)} as UTF-8 text. */
  public String openText(String envelope, String context) {
    return new String(open(envelope, context), StandardCharsets.UTF_8);
  }

  /** True when {@code envelope} is sealed under the current KEK (nothing to re-seal). */
  public boolean isCurrent(String envelope) {
    return current.id().equals(parts(envelope)[1]);
  }

  /** The id of the KEK {@code envelope} names. */
  public static String kekIdOf(String envelope) {
    return parts(envelope)[1];
  }

  /** True when {@code value} looks like an envelope (any KEK), as opposed to legacy plaintext. */
  public static boolean isEnvelope(String value) {
    return value != null && value.startsWith(VERSION + ".");
  }

  private static String[] parts(String envelope) {
    String[] parts = envelope == null ? new String[0] : envelope.split("\\.", -1);
    if (parts.length != 4 || !VERSION.equals(parts[0]) || parts[1].isEmpty()) {
      throw new EnvelopeException(Reason.MALFORMED, "not a " + VERSION + " envelope");
    }
    return parts;
  }

  private static byte[] aad(String kekId, String context) {
    return (VERSION + "." + kekId + "|" + Objects.requireNonNull(context, "context"))
        .getBytes(StandardCharsets.UTF_8);
  }
}
