package eu.panosc.registry.saml;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads and validates SAML metadata: one submitted {@code md:EntityDescriptor} ({@link #parse}) or a
 * signed upstream federation aggregate ({@link #parseAggregate}).
 *
 * <p>An entity must have an absolute entityID ({@code https} or {@code urn}; upstream aggregates may also
 * use {@code http}, which eduGAIN still carries), at least one of IDPSSODescriptor, SPSSODescriptor,
 * AttributeAuthorityDescriptor, parseable KeyDescriptor certificates and no {@code validUntil} in the past.
 * A signature inside the entity is removed: the registry signs what it publishes.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata</a>
 * @see <a href="https://docs.oasis-open.org/security/saml/Post2.0/sstc-saml-metadata-ui/v1.0/os/sstc-saml-metadata-ui-v1.0-os.html">metadata UI</a>
 */
public final class SamlMetadataParser {
  static {
    org.apache.xml.security.Init.init();
  }

  private static final int MAX_ENTITY_ID = 1024; // SAML core §8.3.6
  private static final javax.xml.datatype.DatatypeFactory DURATIONS =
      javax.xml.datatype.DatatypeFactory.newDefaultInstance();
  private static final String SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
  private static final String WRAP_START = "<md:EntitiesDescriptor xmlns:md=\"" + SamlNames.MD + "\">";
  private static final String WRAP_END = "</md:EntitiesDescriptor>";
  private static final byte[] WRAP_START_BYTES = WRAP_START.getBytes(StandardCharsets.UTF_8);
  private static final byte[] WRAP_END_BYTES = WRAP_END.getBytes(StandardCharsets.UTF_8);

  private final Clock clock;
  private final SafeXml entityXml;
  private final SafeXml aggregateXml;
  private final SafeXml contextXml;

  /**
   * A parser with the default size limits, made with everything it needs loaded (Santuario's initialisation, the
   * compiled metadata schema): seconds of blocking work on a loaded machine, for a worker thread, never an event
   * loop (Vert.x's blocked-thread warning).
   */
  public static SamlMetadataParser loaded(Clock clock) {
    SamlSchema.load();
    return new SamlMetadataParser(clock);
  }

  /** A parser with the default size limits. */
  public SamlMetadataParser(Clock clock) {
    this(clock, new SafeXml(SafeXml.DEFAULT_ENTITY_LIMIT), new SafeXml(SafeXml.DEFAULT_AGGREGATE_LIMIT));
  }

  /** A parser with the given parsers for single entities and for aggregates. */
  public SamlMetadataParser(Clock clock, SafeXml entityXml, SafeXml aggregateXml) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.entityXml = Objects.requireNonNull(entityXml, "entityXml");
    this.aggregateXml = Objects.requireNonNull(aggregateXml, "aggregateXml");
    this.contextXml = new SafeXml(4 * Math.max(entityXml.maxBytes(), SafeXml.DEFAULT_ENTITY_LIMIT));
  }

  /** An upstream aggregate after its signature and validity were checked. */
  public record ImportedAggregate(
      Optional<String> name, Instant validUntil, List<SamlEntity> entities, List<String> rejected) {
    public ImportedAggregate {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(validUntil, "validUntil");
      entities = List.copyOf(entities);
      rejected = List.copyOf(rejected);
    }
  }

  /**
   * Parses and validates one submitted entity.
   *
   * @throws MetadataException with a message for the submitter
   */
  public SamlEntity parse(byte[] xml) {
    return parseOne(xml, false);
  }

  /**
   * Parses one entity stored from a verified upstream feed: as {@link #parse}, but http entityIDs
   * (still common in eduGAIN) are accepted as they were at import.
   */
  public SamlEntity parseImported(byte[] xml) {
    return parseOne(xml, true);
  }

  private SamlEntity parseOne(byte[] xml, boolean allowHttp) {
    Element root = entityXml.parse(xml).getDocumentElement();
    if (is(root, SamlNames.MD, "EntitiesDescriptor")) {
      throw new MetadataException(
          "expected one md:EntityDescriptor but got md:EntitiesDescriptor; submit each entity on its own");
    }
    if (!is(root, SamlNames.MD, "EntityDescriptor")) {
      throw new MetadataException(
          "root element must be md:EntityDescriptor in namespace " + SamlNames.MD + ", not "
              + describe(root));
    }
    return readEntity(root, allowHttp);
  }

  /**
   * Imports an upstream federation's aggregate: its enveloped signature must verify with
   * {@code trustedSigner} (pinned, KeyInfo is ignored) and cover the root element, and its
   * {@code validUntil} must be present and in the future. Entities that fail validation are listed in
   * {@link ImportedAggregate#rejected()} instead of failing the import; nested EntitiesDescriptors are
   * flattened; a repeated entityID keeps its first occurrence.
   *
   * @throws MetadataException if the document, its signature or its validity is unacceptable
   */
  public ImportedAggregate parseAggregate(byte[] xml, X509Certificate trustedSigner) {
    Objects.requireNonNull(trustedSigner, "trustedSigner");
    Document doc = aggregateXml.parse(xml);
    Element root = doc.getDocumentElement();
    if (!is(root, SamlNames.MD, "EntitiesDescriptor")) {
      throw new MetadataException("an aggregate must be an md:EntitiesDescriptor, not " + describe(root));
    }
    verifySignature(root, trustedSigner);
    String validUntilText = attribute(root, "validUntil")
        .orElseThrow(() -> new MetadataException("the aggregate has no validUntil"));
    Instant validUntil = parseDateTime(validUntilText);
    if (!validUntil.isAfter(clock.instant())) {
      throw new MetadataException("the aggregate expired: validUntil " + validUntil + " is in the past");
    }
    List<SamlEntity> entities = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    collect(root, entities, rejected, seen);
    return new ImportedAggregate(attribute(root, "Name"), validUntil, entities, rejected);
  }

  private void collect(Element parent, List<SamlEntity> entities, List<String> rejected, Set<String> seen) {
    for (Element child : children(parent, SamlNames.MD, null)) {
      if ("EntitiesDescriptor".equals(child.getLocalName())) {
        collect(child, entities, rejected, seen);
      } else if ("EntityDescriptor".equals(child.getLocalName())) {
        String id = child.getAttributeNS(null, "entityID");
        try {
          SamlEntity entity = readEntity(child, true);
          if (seen.add(entity.entityId())) {
            entities.add(entity);
          } else {
            rejected.add(entity.entityId() + ": entityID appears more than once; kept the first");
          }
        } catch (MetadataException e) {
          rejected.add((id.isEmpty() ? "(no entityID)" : id) + ": " + e.getMessage());
        }
      }
    }
  }

  private void verifySignature(Element root, X509Certificate trustedSigner) {
    List<Element> signatures = children(root, SamlNames.DS, "Signature");
    if (signatures.isEmpty()) {
      throw new MetadataException("the aggregate is not signed");
    }
    if (signatures.size() > 1) {
      throw new MetadataException("the aggregate has more than one signature");
    }
    Optional<String> id = attribute(root, "ID");
    id.ifPresent(v -> root.setIdAttributeNS(null, "ID", true));
    try {
      XMLSignature signature = new XMLSignature(signatures.getFirst(), "", true);
      SignedInfo signedInfo = signature.getSignedInfo();
      // the one reference must be the root itself, else a valid signature could cover something else
      // (signature wrapping); SAML core §5.4.2
      if (signedInfo.getLength() != 1) {
        throw new MetadataException("the aggregate's signature must have exactly one reference");
      }
      String uri = signedInfo.item(0).getURI();
      boolean coversRoot = uri == null || uri.isEmpty() || id.map(v -> uri.equals("#" + v)).orElse(false);
      if (!coversRoot) {
        throw new MetadataException("the aggregate's signature does not cover the root element");
      }
      if (!signature.checkSignatureValue(trustedSigner.getPublicKey())) {
        throw new MetadataException("the aggregate's signature does not verify with the pinned certificate");
      }
    } catch (XMLSecurityException e) {
      throw new MetadataException(
          "the aggregate's signature does not verify with the pinned certificate", e);
    }
  }

  private SamlEntity readEntity(Element entity, boolean allowHttp) {
    String entityId = validEntityId(entity, allowHttp);
    checkTypes(entity, entityId);
    for (Element signature : children(entity, SamlNames.DS, "Signature")) {
      entity.removeChild(signature);
    }
    Set<SamlRole> roles = EnumSet.noneOf(SamlRole.class);
    Map<SamlRole, Element> roleElements = new LinkedHashMap<>();
    for (SamlRole role : SamlRole.values()) {
      List<Element> found = children(entity, SamlNames.MD, role.element());
      if (!found.isEmpty()) {
        roles.add(role);
        roleElements.put(role, found.getFirst());
      }
    }
    if (roles.isEmpty()) {
      throw new MetadataException(
          "entity " + entityId + " has no role: it needs an IDPSSODescriptor, SPSSODescriptor or "
              + "AttributeAuthorityDescriptor");
    }
    SamlSchema.validate(entity);
    dropIds(entity);
    List<X509Certificate> signing = new ArrayList<>();
    for (SamlRole role : SamlRole.values()) {
      for (Element descriptor : children(entity, SamlNames.MD, role.element())) {
        readCertificates(entityId, role, descriptor, signing);
      }
    }
    Optional<Instant> validUntil = attribute(entity, "validUntil").map(SamlMetadataParser::parseDateTime);
    if (validUntil.isPresent() && !validUntil.get().isAfter(clock.instant())) {
      throw new MetadataException(
          "entity " + entityId + " expired: validUntil " + validUntil.get() + " is in the past");
    }

    Element uiInfo = uiInfo(roleElements);
    Map<String, String> names = byLanguage(uiInfo, SamlNames.MDUI, "DisplayName");
    if (names.isEmpty()) {
      for (Element org : children(entity, SamlNames.MD, "Organization")) {
        names = byLanguage(org, SamlNames.MD, "OrganizationDisplayName");
      }
    }
    String displayName = names.getOrDefault("en", names.values().stream().findFirst().orElse(entityId));
    Map<String, String> descriptions = byLanguage(uiInfo, SamlNames.MDUI, "Description");
    Optional<SamlEntity.Logo> logo = logo(uiInfo);

    Map<String, List<String>> attributes = new LinkedHashMap<>();
    Optional<String> registrationAuthority = Optional.empty();
    for (Element extensions : children(entity, SamlNames.MD, "Extensions")) {
      for (Element ea : children(extensions, SamlNames.MDATTR, "EntityAttributes")) {
        for (Element attribute : children(ea, SamlNames.SAML, "Attribute")) {
          String name = attribute.getAttributeNS(null, "Name");
          List<String> values = attributes.computeIfAbsent(name, k -> new ArrayList<>());
          for (Element value : children(attribute, SamlNames.SAML, "AttributeValue")) {
            values.add(value.getTextContent().strip());
          }
        }
      }
      for (Element info : children(extensions, SamlNames.MDRPI, "RegistrationInfo")) {
        registrationAuthority = attribute(info, "registrationAuthority");
      }
    }
    attributes.replaceAll((k, v) -> List.copyOf(v));

    List<String> scopes = new ArrayList<>();
    Element idp = roleElements.get(SamlRole.IDP);
    if (idp != null) {
      for (Element extensions : children(idp, SamlNames.MD, "Extensions")) {
        for (Element scope : children(extensions, SamlNames.SHIBMD, "Scope")) {
          scopes.add(scope.getTextContent().strip());
        }
      }
    }
    boolean securityContact =
        children(entity, SamlNames.MD, "ContactPerson").stream()
            .anyMatch(c -> SamlNames.SECURITY_CONTACT.equals(c.getAttributeNS(SamlNames.REMD, "contactType")));

    byte[] xml = XmlSigning.canonicalize(entity, Canonicalizer.ALGO_ID_C14N_OMIT_COMMENTS);
    byte[] canonical = inAggregateContext(xml);
    return new SamlEntity(
        entityId, roles, displayName, names, descriptions, logo, attributes, registrationAuthority,
        scopes, securityContact, signing, validUntil, xml, canonical);
  }

  /**
   * Exclusive C14N of the standalone entity as a child of {@code <md:EntitiesDescriptor xmlns:md>}:
   * there the {@code md} declaration is already rendered by the parent, so it differs from the entity's
   * own canonical form. Parsing it in that context once, here, is what spares the aggregate builder.
   */
  private byte[] inAggregateContext(byte[] standalone) {
    byte[] wrapped = new byte[WRAP_START_BYTES.length + standalone.length + WRAP_END_BYTES.length];
    System.arraycopy(WRAP_START_BYTES, 0, wrapped, 0, WRAP_START_BYTES.length);
    System.arraycopy(standalone, 0, wrapped, WRAP_START_BYTES.length, standalone.length);
    System.arraycopy(WRAP_END_BYTES, 0, wrapped, WRAP_START_BYTES.length + standalone.length, WRAP_END_BYTES.length);
    Document doc = contextXml.parse(wrapped);
    byte[] c14n = XmlSigning.canonicalize(doc.getDocumentElement(), Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
    int start = WRAP_START_BYTES.length;
    int end = c14n.length - WRAP_END_BYTES.length;
    if (end < start
        || !Arrays.equals(c14n, 0, start, WRAP_START_BYTES, 0, start)
        || !Arrays.equals(c14n, end, c14n.length, WRAP_END_BYTES, 0, WRAP_END_BYTES.length)) {
      throw new IllegalStateException("unexpected canonical form of the aggregate wrapper");
    }
    return Arrays.copyOfRange(c14n, start, end);
  }

  /**
   * What a consumer such as OpenSAML checks beyond well-formedness, with messages naming the element: unique
   * {@code ID}s, {@code cacheDuration} an xs:duration, {@code validUntil} an xs:dateTime in years 1 to 9999,
   * every role declaring the SAML 2.0 protocol, an SP with an AssertionConsumerService and an IdP with a
   * SingleSignOnService (SAML metadata §2.3.2, §2.4.1, §2.4.3, §2.4.4).
   */
  private static void checkTypes(Element entity, String entityId) {
    java.util.Set<String> ids = new HashSet<>();
    java.util.ArrayDeque<Element> todo = new java.util.ArrayDeque<>(List.of(entity));
    while (!todo.isEmpty()) {
      Element e = todo.pop();
      for (String idName : new String[] {"ID", "Id"}) {
        if (e.hasAttributeNS(null, idName) && !ids.add(e.getAttributeNS(null, idName))) {
          throw new MetadataException("entity " + entityId + ": the ID '" + abbreviate(e.getAttributeNS(null, idName))
              + "' appears more than once (on " + e.getNodeName() + ")");
        }
      }
      if (SamlNames.MD.equals(e.getNamespaceURI())) {
        Optional<String> cacheDuration = attribute(e, "cacheDuration");
        if (cacheDuration.isPresent()) {
          try {
            DURATIONS.newDuration(cacheDuration.get().strip());
          } catch (IllegalArgumentException | UnsupportedOperationException ex) {
            throw new MetadataException("entity " + entityId + ": cacheDuration '" + abbreviate(cacheDuration.get())
                + "' on " + e.getNodeName() + " is not an xs:duration such as PT1H");
          }
        }
        Optional<String> validUntil = attribute(e, "validUntil");
        if (validUntil.isPresent()) {
          Instant until = parseDateTime(validUntil.get());
          if (until.isBefore(eu.panosc.platform.input.Input.MIN_INSTANT)
              || until.isAfter(eu.panosc.platform.input.Input.MAX_INSTANT)) {
            throw new MetadataException("entity " + entityId + ": validUntil on " + e.getNodeName()
                + " must lie in the years 1 to 9999");
          }
        }
      }
      todo.addAll(elementChildren(e));
    }
    for (SamlRole role : SamlRole.values()) {
      for (Element descriptor : children(entity, SamlNames.MD, role.element())) {
        String protocols = descriptor.getAttributeNS(null, "protocolSupportEnumeration");
        if (!Arrays.asList(protocols.strip().split("\\s+")).contains(SAML2_PROTOCOL)) {
          throw new MetadataException("entity " + entityId + ": " + descriptor.getNodeName()
              + " needs a protocolSupportEnumeration that includes " + SAML2_PROTOCOL);
        }
        String endpoint = switch (role) {
          case SP -> "AssertionConsumerService";
          case IDP -> "SingleSignOnService";
          case ATTRIBUTE_AUTHORITY -> "AttributeService";
        };
        if (children(descriptor, SamlNames.MD, endpoint).isEmpty()) {
          throw new MetadataException("entity " + entityId + ": " + descriptor.getNodeName() + " has no md:"
              + endpoint);
        }
      }
    }
  }

  /**
   * Removes every {@code ID}, {@code Id} and {@code xml:id} of a member's metadata: in an aggregate they would
   * share one ID space with the aggregate's own signed ID and with every other member's.
   */
  private static void dropIds(Element element) {
    element.removeAttributeNS(null, "ID");
    element.removeAttributeNS(null, "Id");
    element.removeAttributeNS(javax.xml.XMLConstants.XML_NS_URI, "id");
    for (Element child : elementChildren(element)) {
      dropIds(child);
    }
  }

  private static String validEntityId(Element entity, boolean allowHttp) {
    if (!entity.hasAttributeNS(null, "entityID") || entity.getAttributeNS(null, "entityID").isBlank()) {
      throw new MetadataException("md:EntityDescriptor has no entityID");
    }
    String entityId = entity.getAttributeNS(null, "entityID");
    if (!entityId.equals(entityId.strip())) {
      throw new MetadataException("entityID must not start or end with white space");
    }
    if (entityId.length() > MAX_ENTITY_ID) {
      throw new MetadataException("entityID is longer than " + MAX_ENTITY_ID + " characters");
    }
    URI uri;
    try {
      uri = new URI(entityId);
    } catch (URISyntaxException e) {
      throw new MetadataException("entityID " + entityId + " is not a valid URI");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean ok =
        switch (scheme) {
          case "https" -> uri.getHost() != null;
          case "http" -> allowHttp && uri.getHost() != null;
          case "urn" -> uri.getSchemeSpecificPart().indexOf(':') > 0;
          default -> false;
        };
    if (!ok) {
      throw new MetadataException(
          "entityID " + entityId + " must be an absolute https URL or a urn (SAML core §8.3.6)");
    }
    return entityId;
  }

  private static void readCertificates(
      String entityId, SamlRole role, Element descriptor, List<X509Certificate> signing) {
    int index = 0;
    for (Element keyDescriptor : children(descriptor, SamlNames.MD, "KeyDescriptor")) {
      index++;
      String use = keyDescriptor.getAttributeNS(null, "use");
      for (Element keyInfo : children(keyDescriptor, SamlNames.DS, "KeyInfo")) {
        for (Element data : children(keyInfo, SamlNames.DS, "X509Data")) {
          for (Element cert : children(data, SamlNames.DS, "X509Certificate")) {
            X509Certificate certificate = certificate(cert.getTextContent());
            if (certificate == null) {
              throw new MetadataException(
                  "entity " + entityId + ": KeyDescriptor " + index + " of " + role.element()
                      + " does not contain a valid X.509 certificate");
            }
            if ((use.isEmpty() || "signing".equals(use)) && !signing.contains(certificate)) {
              signing.add(certificate);
            }
          }
        }
      }
    }
  }

  private static X509Certificate certificate(String base64) {
    try {
      byte[] der = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (IllegalArgumentException | CertificateException e) {
      return null;
    }
  }

  private static Element uiInfo(Map<SamlRole, Element> roles) {
    for (Element role : roles.values()) {
      for (Element extensions : children(role, SamlNames.MD, "Extensions")) {
        List<Element> ui = children(extensions, SamlNames.MDUI, "UIInfo");
        if (!ui.isEmpty()) {
          return ui.getFirst();
        }
      }
    }
    return null;
  }

  private static Map<String, String> byLanguage(Element parent, String ns, String localName) {
    Map<String, String> values = new LinkedHashMap<>();
    if (parent != null) {
      for (Element e : children(parent, ns, localName)) {
        String text = e.getTextContent().strip();
        if (!text.isEmpty()) {
          values.putIfAbsent(e.getAttributeNS(SamlNames.XML, "lang"), text);
        }
      }
    }
    return values;
  }

  private static Optional<SamlEntity.Logo> logo(Element uiInfo) {
    if (uiInfo == null) {
      return Optional.empty();
    }
    for (Element logo : children(uiInfo, SamlNames.MDUI, "Logo")) {
      String url = logo.getTextContent().strip();
      // only https or inline images reach a browser-side discovery service
      if (url.startsWith("https://") || url.startsWith("data:image/")) {
        return Optional.of(new SamlEntity.Logo(url, dimension(logo, "width"), dimension(logo, "height")));
      }
    }
    return Optional.empty();
  }

  private static int dimension(Element logo, String name) {
    try {
      return Integer.parseInt(logo.getAttributeNS(null, name).strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** xs:dateTime; a value without a time zone is taken as UTC. */
  static Instant parseDateTime(String text) {
    String value = text.strip();
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException again) {
        throw new MetadataException("validUntil '" + abbreviate(value) + "' is not a valid xs:dateTime");
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  static List<Element> children(Element parent, String ns, String localName) {
    List<Element> result = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && ns.equals(e.getNamespaceURI())
          && (localName == null || localName.equals(e.getLocalName()))) {
        result.add(e);
      }
    }
    return result;
  }

  private static List<Element> elementChildren(Element parent) {
    List<Element> result = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        result.add(e);
      }
    }
    return result;
  }

  private static Optional<String> attribute(Element e, String name) {
    return e.hasAttributeNS(null, name) ? Optional.of(e.getAttributeNS(null, name)) : Optional.empty();
  }

  private static boolean is(Element e, String ns, String localName) {
    return ns.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName());
  }

  private static String describe(Element e) {
    return e.getNamespaceURI() == null ? e.getLocalName() : "{" + e.getNamespaceURI() + "}" + e.getLocalName();
  }
}
