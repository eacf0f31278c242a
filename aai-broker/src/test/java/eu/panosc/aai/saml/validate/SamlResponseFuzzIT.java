package eu.panosc.aai.saml.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * 10 000 mutants (fixed seed) of valid signed Responses (assertion signed; Response signed; encrypted and signed):
 * byte mutations of the XML (bit flips, special characters, deletions, duplications, markup snippets, truncation) and
 * XML-structure mutations of its DOM (elements removed, duplicated, moved, swapped; attributes and text changed). The
 * only exception allowed out of the validator is {@link SamlRejectedException}, and no mutant may be accepted with
 * content other than its original's. Byte-identical acceptance alone cannot be demanded: SAML leaves parts of a
 * valid message unsigned (whitespace inside tags, the envelope of a Response whose assertion alone is signed, the
 * encryption envelope around a signed assertion, the outer signature of a doubly signed one); mutants there are
 * accepted with the original's content (the unsigned Response ID aside) and counted in the output.
 */
class SamlResponseFuzzIT {
  private static final int MUTANTS = 10_000;
  private static final long SEED = 0x5A4D4C_2026L;
  private static final String[] SNIPPETS = {"<!---->", "<!DOCTYPE r>", "&lt;", "&xxe;", "<?pi x?>", "]]>",
      "<![CDATA[x]]>", "\u0000", "\"", "'", "<", ">", "&", "=", " xmlns=\"urn:x\"", "<a>", "</a>", "\uFEFF",
      "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"/>", "ID=\"_x\" ", "\r\n", "\t"};

  private final SamlResponseValidator validator = new SamlResponseValidator();

  private record Original(byte[] xml, ValidatedLogin login, boolean responseSigned) {
    /** What a mutant may not change: everything, except the ID of a Response no signature covers. */
    boolean sameContent(ValidatedLogin other) {
      return responseSigned ? other.equals(login) : other.equals(new ValidatedLogin(login.idpEntityId(),
          other.responseId(), login.assertionId(), login.assertionNotOnOrAfter(), login.nameId(), login.nameIdFormat(),
          login.nameQualifier(), login.spNameQualifier(), login.sessionIndex(), login.authnContextClassRef(),
          login.authnInstant(), login.attributes()));
    }
  }

  @Test
  void validateWhenTenThousandMutantsThenNoneAcceptedWithOtherContentAndOnlyRejectionsEscape() {
    Expectation expected = FixtureIdp.expectation();
    List<Original> originals = new ArrayList<>();
    for (FixtureIdp.Spec spec : List.of(FixtureIdp.valid(), FixtureIdp.valid().with(s -> s.signResponse = true),
        FixtureIdp.valid().with(s -> s.encryption = FixtureIdp.Encryption.standard()))) {
      byte[] xml = FixtureIdp.xml(spec);
      originals.add(new Original(xml, validator.validate(Base64.getEncoder().encode(xml), expected), spec.signResponse));
    }
    SplittableRandom random = new SplittableRandom(SEED);
    Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
    List<String> accepted = new ArrayList<>();
    List<String> escaped = new ArrayList<>();
    Map<String, Integer> unsignedVariants = new java.util.TreeMap<>();
    int identical = 0;

    for (int i = 0; i < MUTANTS; i++) {
      Original original = originals.get(i % originals.size());
      StringBuilder how = new StringBuilder();
      byte[] mutant = original.xml();
      // a mutation that changed nothing (e.g. removing the root) is drawn again, at most a few times
      for (int attempt = 0; attempt < 8 && Arrays.equals(mutant, original.xml()); attempt++) {
        how.setLength(0);
        how.append("mutant ").append(i).append(": ");
        mutant = random.nextBoolean() ? mutateBytes(original.xml(), random, how)
            : mutateStructure(original.xml(), random, how);
      }
      try {
        ValidatedLogin login = validator.validate(Base64.getEncoder().encode(mutant), expected);
        if (Arrays.equals(mutant, original.xml())) {
          identical++;
        } else {
          unsignedVariants.merge(how.substring(how.indexOf(": ") + 2).replaceAll(" at \\d+$", ""), 1, Integer::sum);
        }
        if (!original.sameContent(login)) {
          accepted.add(how + " -> accepted as " + login);
        }
      } catch (SamlRejectedException e) {
        reasons.merge(e.reason(), 1, Integer::sum);
      } catch (Throwable t) {
        StackTraceElement[] at = t.getStackTrace();
        escaped.add(how + " -> " + t + (at.length > 0 ? " at " + at[0] + (at.length > 1 ? " < " + at[1] : "") : ""));
      }
    }

    System.out.println("SAML fuzz: " + MUTANTS + " mutants, " + identical + " byte-identical, reasons " + reasons
        + "; accepted with the original's content (" + unsignedVariants.values().stream().mapToInt(i -> i).sum()
        + "): " + unsignedVariants);
    assertThat(escaped).as("exceptions other than SamlRejectedException").isEmpty();
    assertThat(accepted).as("accepted mutants whose validated content differs from the original's").isEmpty();
    int variants = unsignedVariants.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(reasons.values().stream().mapToInt(Integer::intValue).sum() + identical + variants).isEqualTo(MUTANTS);
    assertThat(reasons.keySet()).contains(Reason.MALFORMED, Reason.SIGNATURE_INVALID, Reason.WRAPPING);
  }

  private static byte[] mutateBytes(byte[] xml, SplittableRandom random, StringBuilder how) {
    byte[] b = xml.clone();
    int at = random.nextInt(b.length);
    switch (random.nextInt(6)) {
      case 0 -> {
        int bit = random.nextInt(8);
        b[at] ^= (byte) (1 << bit);
        how.append("flip bit ").append(bit).append(" at ").append(at);
      }
      case 1 -> {
        String s = SNIPPETS[random.nextInt(SNIPPETS.length)];
        byte c = s.getBytes(StandardCharsets.UTF_8)[0];
        b[at] = c;
        how.append("set byte ").append(at).append(" to ").append(c);
      }
      case 2 -> {
        int len = 1 + random.nextInt(Math.min(16, b.length - at));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        how.append("delete ").append(len).append(" at ").append(at);
        return out;
      }
      case 3 -> {
        int len = 1 + random.nextInt(Math.min(64, b.length - at));
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, at + len);
        System.arraycopy(b, at, out, at + len, b.length - at);
        how.append("duplicate ").append(len).append(" at ").append(at);
        return out;
      }
      case 4 -> {
        byte[] s = SNIPPETS[random.nextInt(SNIPPETS.length)].getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + s.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(s, 0, out, at, s.length);
        System.arraycopy(b, at, out, at + s.length, b.length - at);
        how.append("insert ").append(new String(s, StandardCharsets.UTF_8)).append(" at ").append(at);
        return out;
      }
      default -> {
        how.append("truncate at ").append(at);
        return Arrays.copyOf(b, at);
      }
    }
    return b;
  }

  private static byte[] mutateStructure(byte[] xml, SplittableRandom random, StringBuilder how) {
    Document doc = Dom.parse(xml);
    List<Element> elements = new ArrayList<>();
    NodeList all = doc.getElementsByTagNameNS("*", "*");
    for (int i = 0; i < all.getLength(); i++) {
      elements.add((Element) all.item(i));
    }
    Element target = elements.get(random.nextInt(elements.size()));
    Element other = elements.get(random.nextInt(elements.size()));
    how.append(target.getLocalName()).append(": ");
    boolean isRoot = target == doc.getDocumentElement();
    switch (random.nextInt(7)) {
      case 0 -> {
        how.append("remove");
        if (!isRoot) {
          target.getParentNode().removeChild(target);
        }
      }
      case 1 -> {
        how.append("duplicate");
        if (!isRoot) {
          target.getParentNode().insertBefore(target.cloneNode(true), target.getNextSibling());
        }
      }
      case 2 -> {
        how.append("move into ").append(other.getLocalName());
        if (!isRoot && !contains(target, other)) {
          other.appendChild(target);
        }
      }
      case 3 -> {
        how.append("copy into ").append(other.getLocalName());
        other.insertBefore(target.cloneNode(true), other.getFirstChild());
      }
      case 4 -> {
        NamedNodeMap attributes = target.getAttributes();
        if (attributes.getLength() > 0) {
          Attr a = (Attr) attributes.item(random.nextInt(attributes.getLength()));
          if (random.nextBoolean()) {
            how.append("remove attribute ").append(a.getName());
            target.removeAttributeNode(a);
          } else {
            String v = a.getValue();
            String changed = v.isEmpty() ? "x" : v.substring(0, random.nextInt(v.length())) + "x";
            how.append("change attribute ").append(a.getName());
            a.setValue(changed);
          }
        }
      }
      case 5 -> {
        Node text = firstText(target);
        how.append("change text");
        if (text != null) {
          String v = text.getNodeValue();
          text.setNodeValue(v.isEmpty() ? "x" : v.substring(0, random.nextInt(v.length())) + "y"
              + v.substring(random.nextInt(v.length())));
        }
      }
      default -> {
        how.append("swap with ").append(other.getLocalName());
        if (!isRoot && other != doc.getDocumentElement() && !contains(target, other) && !contains(other, target)) {
          Node marker = doc.createTextNode("");
          target.getParentNode().replaceChild(marker, target);
          other.getParentNode().replaceChild(target, other);
          marker.getParentNode().replaceChild(other, marker);
        }
      }
    }
    return Dom.bytes(doc);
  }

  private static boolean contains(Node ancestor, Node node) {
    for (Node n = node; n != null; n = n.getParentNode()) {
      if (n == ancestor) {
        return true;
      }
    }
    return false;
  }

  private static Node firstText(Element e) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE) {
        return n;
      }
    }
    return null;
  }
}
