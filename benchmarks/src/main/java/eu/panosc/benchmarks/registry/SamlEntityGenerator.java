package eu.panosc.benchmarks.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic eduGAIN-like SAML entities: the same seed gives byte-identical XML on every machine.
 *
 * <p>Each entity is an IdP (about 45 %), an SP (50 %) or both (5 %), with registration info, 1–3 entity
 * attributes (entity categories, SIRTFI), mdui (display names in 1–3 languages, description, information
 * and privacy URLs, logo), 1–2 certificates (the RSA 3072 and EC P-256 test certificates; an entity with
 * both roles carries the shortest one in both), protocol
 * endpoints, an AttributeConsumingService for SPs, an Organization and 1–3 contacts. A filler
 * {@code mdui:Description} brings every entity to a size drawn uniformly from 6 000–9 000 bytes (UTF-8).
 * About one SP in five is written in the default namespace instead of the {@code md:} prefix.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata</a>
 */
public final class SamlEntityGenerator {
  /** Smallest and largest entity size in bytes. */
  public static final int MIN_BYTES = 6_000;
  public static final int MAX_BYTES = 9_000;

  private static final String[] TLDS = {"fr", "de", "it", "es", "se", "uk", "ch", "nl", "pl", "eu", "org", "edu"};
  private static final String[] LANGS = {"en", "fr", "de", "it", "es", "sv", "nl", "pl"};
  private static final String[] AUTHORITIES = {
      "https://www.panosc.eu/federation", "https://federation.renater.fr/", "https://www.aai.dfn.de",
      "http://www.swamid.se/", "http://ukfederation.org.uk", "https://www.idem.garr.it"};
  private static final String[] CATEGORIES = {
      "http://refeds.org/category/research-and-scholarship", "https://refeds.org/category/code-of-conduct/v2",
      "https://refeds.org/category/personalized", "http://refeds.org/category/hide-from-discovery"};
  private static final String[] ATTRIBUTES = {
      "urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "urn:oid:0.9.2342.19200300.100.1.3", "urn:oid:2.16.840.1.113730.3.1.241",
      "urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "urn:oid:2.5.4.42", "urn:oid:2.5.4.4",
      "urn:oid:1.3.6.1.4.1.25178.1.2.9", "urn:oid:1.3.6.1.4.1.5923.1.1.1.7"};
  private static final String WORDS =
      "beamline proposal sample synchrotron neutron detector experiment facility users staff access portal "
          + "data catalogue analysis remote scientific instrument research infrastructure federated login ";

  private final List<String> certificates;
  private final String shortestCertificate;

  /** @param certificatesBase64 bodies of ds:X509Certificate to choose from (at least one) */
  public SamlEntityGenerator(List<String> certificatesBase64) {
    if (certificatesBase64.isEmpty()) {
      throw new IllegalArgumentException("need at least one certificate");
    }
    this.certificates = List.copyOf(certificatesBase64);
    this.shortestCertificate = certificates.stream().min(java.util.Comparator.comparingInt(String::length)).orElseThrow();
  }

  /** A generator with the certificates under {@code /registry/} on the class path. */
  public static SamlEntityGenerator withBundledCertificates() {
    return new SamlEntityGenerator(List.of(
        BenchResources.certificateBase64("registry"), BenchResources.certificateBase64("other"),
        BenchResources.certificateBase64("upstream"), BenchResources.certificateBase64("ec")));
  }

  /** One generated entity: its entityID and its XML (UTF-8, with XML declaration). */
  public record Generated(String entityId, boolean idp, byte[] xml) {
    public Generated {
      Objects.requireNonNull(entityId, "entityId");
      Objects.requireNonNull(xml, "xml");
    }
  }

  /** {@code count} entities from {@code seed}; entityIDs are unique. */
  public List<Generated> generate(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Generated> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(entity(i, random.split()));
    }
    return List.copyOf(out);
  }

  private Generated entity(int index, SplittableRandom r) {
    String tld = TLDS[r.nextInt(TLDS.length)];
    String inst = "inst" + index;
    int kind = r.nextInt(100);
    boolean idp = kind < 50;
    boolean sp = kind >= 45;
    boolean defaultNs = !idp && r.nextInt(5) == 0;
    String entityId = idp
        ? "https://idp." + inst + "." + tld + "/idp/shibboleth"
        : (r.nextInt(4) == 0 ? "urn:mace:" + inst + "." + tld + ":sp" : "https://sp." + inst + "." + tld + "/shibboleth");
    String host = (idp ? "idp." : "sp.") + inst + "." + tld;
    String p = defaultNs ? "" : "md:";
    int target = MIN_BYTES + r.nextInt(MAX_BYTES - MIN_BYTES + 1);
    // 1-2 certificates per entity; an entity with both roles has one, the shortest, in both (size bound)
    List<String> certs = new ArrayList<>();
    if (idp && sp) {
      certs.add(shortestCertificate);
    } else {
      int first = r.nextInt(certificates.size());
      for (int k = 0, count = 1 + r.nextInt(2); k < count; k++) {
        certs.add(certificates.get((first + k) % certificates.size()));
      }
    }

    StringBuilder sb = new StringBuilder(MAX_BYTES + 512);
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append('<').append(p).append("EntityDescriptor");
    sb.append(defaultNs ? " xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"" : " xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"");
    sb.append("\n    xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" xmlns:mdui=\"urn:oasis:names:tc:SAML:metadata:ui\"")
        .append("\n    xmlns:mdattr=\"urn:oasis:names:tc:SAML:metadata:attribute\" xmlns:mdrpi=\"urn:oasis:names:tc:SAML:metadata:rpi\"")
        .append("\n    xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:shibmd=\"urn:mace:shibboleth:metadata:1.0\"")
        .append("\n    xmlns:remd=\"http://refeds.org/metadata\"\n    entityID=\"").append(entityId).append("\">\n");

    // entity-level extensions: registration info and entity attributes
    sb.append("  <").append(p).append("Extensions>\n");
    String authority = AUTHORITIES[r.nextInt(AUTHORITIES.length)];
    sb.append("    <mdrpi:RegistrationInfo registrationAuthority=\"").append(authority)
        .append("\" registrationInstant=\"20").append(10 + r.nextInt(16)).append("-0").append(1 + r.nextInt(9))
        .append("-1").append(r.nextInt(10)).append("T10:00:00Z\">\n")
        .append("      <mdrpi:RegistrationPolicy xml:lang=\"en\">").append(authority).append("/policy</mdrpi:RegistrationPolicy>\n")
        .append("    </mdrpi:RegistrationInfo>\n");
    sb.append("    <mdattr:EntityAttributes>\n");
    int categories = 1 + r.nextInt(2);
    sb.append("      <saml:Attribute Name=\"http://macedir.org/entity-category\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\">\n");
    for (int c = 0; c < categories; c++) {
      sb.append("        <saml:AttributeValue>").append(CATEGORIES[(index + c) % CATEGORIES.length]).append("</saml:AttributeValue>\n");
    }
    sb.append("      </saml:Attribute>\n");
    boolean sirtfi = r.nextInt(3) > 0;
    if (sirtfi) {
      sb.append("      <saml:Attribute Name=\"urn:oasis:names:tc:SAML:attribute:assurance-certification\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\">\n")
          .append("        <saml:AttributeValue>https://refeds.org/sirtfi</saml:AttributeValue>\n")
          .append("      </saml:Attribute>\n");
    }
    sb.append("    </mdattr:EntityAttributes>\n");
    sb.append("  </").append(p).append("Extensions>\n");

    int fillerAt = -1;
    if (idp) {
      sb.append("  <").append(p).append("IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n");
      sb.append("    <").append(p).append("Extensions>\n");
      sb.append("      <shibmd:Scope regexp=\"false\">").append(inst).append('.').append(tld).append("</shibmd:Scope>\n");
      fillerAt = uiInfo(sb, r, inst, host);
      sb.append("    </").append(p).append("Extensions>\n");
      keyDescriptors(sb, certs, p);
      sb.append("    <").append(p).append("ArtifactResolutionService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:SOAP\" Location=\"https://")
          .append(host).append(":8443/idp/profile/SAML2/SOAP/ArtifactResolution\" index=\"1\"/>\n");
      sb.append("    <").append(p).append("NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</").append(p).append("NameIDFormat>\n");
      sb.append("    <").append(p).append("NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</").append(p).append("NameIDFormat>\n");
      for (String binding : new String[] {"HTTP-Redirect", "HTTP-POST", "HTTP-POST-SimpleSign"}) {
        sb.append("    <").append(p).append("SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:").append(binding)
            .append("\" Location=\"https://").append(host).append("/idp/profile/SAML2/").append(binding.replace("-", "")).append("/SSO\"/>\n");
      }
      sb.append("  </").append(p).append("IDPSSODescriptor>\n");
    }
    if (sp) {
      sb.append("  <").append(p).append("SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n");
      sb.append("    <").append(p).append("Extensions>\n");
      int at = uiInfo(sb, r, inst, host);
      fillerAt = fillerAt < 0 ? at : fillerAt;
      sb.append("    </").append(p).append("Extensions>\n");
      keyDescriptors(sb, certs, p);
      sb.append("    <").append(p).append("SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://")
          .append(host).append("/Shibboleth.sso/SLO/Redirect\"/>\n");
      int acs = 2 + r.nextInt(4);
      for (int a = 0; a < acs; a++) {
        sb.append("    <").append(p).append("AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:")
            .append(a % 2 == 0 ? "HTTP-POST" : "HTTP-Artifact").append("\" Location=\"https://").append(host)
            .append("/Shibboleth.sso/SAML2/").append(a % 2 == 0 ? "POST" : "Artifact").append(a).append("\" index=\"").append(a).append("\"/>\n");
      }
      sb.append("    <").append(p).append("AttributeConsumingService index=\"1\">\n");
      sb.append("      <").append(p).append("ServiceName xml:lang=\"en\">Service of ").append(inst).append("</").append(p).append("ServiceName>\n");
      int requested = 3 + r.nextInt(6);
      for (int a = 0; a < requested; a++) {
        sb.append("      <").append(p).append("RequestedAttribute FriendlyName=\"a").append(a).append("\" Name=\"")
            .append(ATTRIBUTES[a]).append("\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\" isRequired=\"")
            .append(a < 2).append("\"/>\n");
      }
      sb.append("    </").append(p).append("AttributeConsumingService>\n");
      sb.append("  </").append(p).append("SPSSODescriptor>\n");
    }
    sb.append("  <").append(p).append("Organization>\n")
        .append("    <").append(p).append("OrganizationName xml:lang=\"en\">").append(inst).append("</").append(p).append("OrganizationName>\n")
        .append("    <").append(p).append("OrganizationDisplayName xml:lang=\"en\">Institute ").append(index).append("</").append(p).append("OrganizationDisplayName>\n")
        .append("    <").append(p).append("OrganizationURL xml:lang=\"en\">https://www.").append(inst).append('.').append(tld).append("/</").append(p).append("OrganizationURL>\n")
        .append("  </").append(p).append("Organization>\n");
    contact(sb, p, "technical", null, inst, tld);
    if (r.nextBoolean()) {
      contact(sb, p, "support", null, inst, tld);
    }
    if (sirtfi) {
      contact(sb, p, "other", "http://refeds.org/metadata/contactType/security", inst, tld);
    }
    sb.append("</").append(p).append("EntityDescriptor>\n");

    // pad to the target size with a description in another language (ASCII, so chars == bytes)
    int missing = target - sb.length();
    if (missing > 0) {
      String open = "        <mdui:Description xml:lang=\"x-fill\">";
      String close = "</mdui:Description>\n";
      int text = Math.max(1, missing - open.length() - close.length());
      StringBuilder filler = new StringBuilder(open);
      int w = r.nextInt(WORDS.length());
      for (int k = 0; k < text; k++) {
        filler.append(WORDS.charAt((w + k) % WORDS.length()));
      }
      filler.setCharAt(filler.length() - 1, '.');
      filler.append(close);
      sb.insert(fillerAt, filler);
    }
    byte[] xml = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (xml.length < MIN_BYTES || xml.length > MAX_BYTES) {
      throw new IllegalStateException("generated entity " + entityId + " has " + xml.length + " bytes");
    }
    return new Generated(entityId, idp, xml);
  }

  /** Writes an mdui:UIInfo; returns the offset where a filler description may be inserted. */
  private static int uiInfo(StringBuilder sb, SplittableRandom r, String inst, String host) {
    sb.append("      <mdui:UIInfo>\n");
    int langs = 1 + r.nextInt(3);
    for (int l = 0; l < langs; l++) {
      sb.append("        <mdui:DisplayName xml:lang=\"").append(LANGS[l]).append("\">").append(inst)
          .append(" research facility (").append(LANGS[l]).append(")</mdui:DisplayName>\n");
    }
    sb.append("        <mdui:Description xml:lang=\"en\">Login for users &amp; staff of ").append(inst).append("</mdui:Description>\n");
    int at = sb.length();
    sb.append("        <mdui:InformationURL xml:lang=\"en\">https://").append(host).append("/info</mdui:InformationURL>\n");
    sb.append("        <mdui:PrivacyStatementURL xml:lang=\"en\">https://").append(host).append("/privacy</mdui:PrivacyStatementURL>\n");
    sb.append("        <mdui:Logo height=\"").append(16 + r.nextInt(64)).append("\" width=\"").append(16 + r.nextInt(64))
        .append("\">https://").append(host).append("/logo.png</mdui:Logo>\n");
    sb.append("      </mdui:UIInfo>\n");
    return at;
  }

  private static void keyDescriptors(StringBuilder sb, List<String> certs, String p) {
    int count = certs.size();
    for (int k = 0; k < count; k++) {
      String use = count == 1 ? null : (k == 0 ? "signing" : "encryption");
      sb.append("    <").append(p).append("KeyDescriptor").append(use == null ? "" : " use=\"" + use + "\"").append(">\n")
          .append("      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n")
          .append(certs.get(k)).append('\n')
          .append("      </ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n")
          .append("    </").append(p).append("KeyDescriptor>\n");
    }
  }

  private static void contact(StringBuilder sb, String p, String type, String refedsType, String inst, String tld) {
    sb.append("  <").append(p).append("ContactPerson contactType=\"").append(type).append('"');
    if (refedsType != null) {
      sb.append(" remd:contactType=\"").append(refedsType).append('"');
    }
    sb.append(">\n    <").append(p).append("GivenName>").append(type).append(" team</").append(p).append("GivenName>\n")
        .append("    <").append(p).append("EmailAddress>mailto:").append(type).append("@").append(inst).append('.').append(tld)
        .append("</").append(p).append("EmailAddress>\n  </").append(p).append("ContactPerson>\n");
  }
}
