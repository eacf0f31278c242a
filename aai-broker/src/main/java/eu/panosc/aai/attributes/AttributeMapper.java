package eu.panosc.aai.attributes;

import eu.panosc.aai.attributes.identity.Assurance;
import eu.panosc.aai.attributes.identity.CanonicalIdSelector;
import eu.panosc.aai.attributes.identity.CanonicalUserId;
import eu.panosc.aai.attributes.identity.EntitlementPolicy;
import eu.panosc.aai.attributes.identity.IdentityEvidence;
import eu.panosc.aai.attributes.identity.NoUsableUserIdException;
import eu.panosc.aai.attributes.internal.InternalAttributeMap;
import eu.panosc.aai.attributes.names.SamlAttribute;
import eu.panosc.aai.attributes.names.SamlAttributeMap;
import eu.panosc.aai.attributes.process.ProcessingContext;
import eu.panosc.aai.attributes.process.ProcessorChain;
import eu.panosc.aai.attributes.process.RequiredAttributes;
import eu.panosc.aai.attributes.process.Salt;
import eu.panosc.aai.attributes.scope.IdpScope;
import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YNode;
import eu.panosc.aai.attributes.yaml.YamlReader;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.input.Input;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one upstream login into a {@link MappedIdentity}, the same way for SAML (UmbrellaID) and OIDC
 * (eduTEAMS): external names → internal attributes (SAML Names to friendly names, then SATOSA's internal map),
 * the canonical user id from the configured sources, the upstream's processors, the required-attributes check,
 * entitlements filtered by trusted authority, assurance apart from {@code acr}. Built once per upstream at start
 * ({@link #load}); thread-safe.
 */
public final class AttributeMapper {
  /** The {@code acr} when the upstream said nothing about the authentication context (SAML 2.0 AC §3.4.27). */
  public static final String ACR_UNSPECIFIED = "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified";
  /** The built-in internal attribute map, used when an upstream names none. */
  public static final String DEFAULT_INTERNAL_RESOURCE = "attributes/internal_attributes.yaml";
  private static final Logger LOG = LoggerFactory.getLogger(AttributeMapper.class);
  private static final int MAX_DISPLAY_NAME = 256;
  private static final int MAX_EMAIL = 320;

  private final String upstreamId;
  private final UpstreamAttributes.Protocol protocol;
  private final InternalAttributeMap internal;
  private final SamlAttributeMap saml;
  private final ProcessorChain chain;
  private final RequiredAttributes required;
  private final CanonicalIdSelector selector;
  private final EntitlementPolicy entitlements;
  private final IdentityAttributes identityAttributes;
  private final List<String> warnings;
  private final java.util.concurrent.atomic.LongAdder malformedEntitlements = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder untrustedEntitlements = new java.util.concurrent.atomic.LongAdder();
  private final Set<String> idpsWithDroppedEntitlements = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final int MAX_REMEMBERED_IDPS = 10_000;

  AttributeMapper(String upstreamId, UpstreamAttributes.Protocol protocol, InternalAttributeMap internal,
      SamlAttributeMap saml, ProcessorChain chain, RequiredAttributes required, CanonicalIdSelector selector,
      EntitlementPolicy entitlements, IdentityAttributes identityAttributes, List<String> warnings) {
    this.upstreamId = Objects.requireNonNull(upstreamId, "upstreamId");
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.internal = Objects.requireNonNull(internal, "internal");
    this.saml = Objects.requireNonNull(saml, "saml");
    this.chain = Objects.requireNonNull(chain, "chain");
    this.required = Objects.requireNonNull(required, "required");
    this.selector = Objects.requireNonNull(selector, "selector");
    this.entitlements = Objects.requireNonNull(entitlements, "entitlements");
    this.identityAttributes = Objects.requireNonNull(identityAttributes, "identityAttributes");
    this.warnings = List.copyOf(warnings);
  }

  /** What looked wrong but not fatal in the configuration (logged at start), e.g. a filter on an unknown name. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Reads every file of {@code settings} and checks them together (required and identity attributes must be
   * internal attributes of the map).
   *
   * @throws AttributeConfigException naming the file, line and problem
   */
  public static AttributeMapper load(UpstreamAttributeSettings settings, YamlReader reader) {
    InternalAttributeMap internal = InternalAttributeMap.from(settings.internalAttributes()
        .map(reader::read).orElseGet(() -> reader.resource(DEFAULT_INTERNAL_RESOURCE)));
    List<YNode> mapFiles = new ArrayList<>();
    mapFiles.add(reader.resource(SamlAttributeMap.DEFAULT_RESOURCE));
    for (Path p : settings.samlAttributeMaps()) {
      mapFiles.add(reader.read(p));
    }
    SamlAttributeMap saml = SamlAttributeMap.from(mapFiles);
    if (!internal.hash().isEmpty() && settings.hashSalt().isEmpty()) {
      throw new AttributeConfigException(internal.source(), 0, "'hash' lists " + internal.hash()
          + ": set hashSalt for upstream " + settings.upstreamId());
    }
    List<YNode> processorFiles = settings.processors().stream().map(reader::read).toList();
    ProcessorChain chain = ProcessorChain.from(processorFiles, internal.userIdToAttr().orElse(null),
        internal.hash(), settings.hashSalt().map(s -> new Salt(s.value())).orElse(null));
    Set<String> known = new LinkedHashSet<>(internal.names());
    checkNames(internal, known, "required", settings.required());
    IdentityAttributes ia = settings.identity();
    if (!settings.identity().equals(IdentityAttributes.DEFAULT)) {
      checkNames(internal, known, "identity.displayName", ia.displayName());
      checkNames(internal, known, "identity.email", ia.email());
      checkNames(internal, known, "identity.entitlements", ia.entitlements());
      checkNames(internal, known, "identity.assurance", ia.assurance());
    }
    List<String> warnings = new ArrayList<>(chain.warnings());
    Set<String> defined = new LinkedHashSet<>(known);
    internal.userIdToAttr().ifPresent(defined::add);
    Set<String> undefined = chain.undefinedNames(defined);
    if (!undefined.isEmpty()) {
      warnings.add("the processors name attributes that " + internal.source() + " does not define, so they never "
          + "apply (internal names are compared exactly): " + undefined);
    }
    for (String w : warnings) {
      LOG.warn("upstream {}: {}", settings.upstreamId(), w);
    }
    LOG.info("upstream {}: attribute processors {}", settings.upstreamId(), chain.describe());
    return new AttributeMapper(settings.upstreamId(), settings.protocol(), internal, saml, chain,
        new RequiredAttributes(settings.required()), new CanonicalIdSelector(settings.userId()),
        new EntitlementPolicy(settings.trustedEntitlementAuthorities()), ia, warnings);
  }

  private static void checkNames(InternalAttributeMap internal, Set<String> known, String key,
      Collection<String> names) {
    for (String n : names) {
      if (!known.contains(n)) {
        throw new AttributeConfigException(internal.source(), 0, key + ": '" + n + "' is not an internal attribute "
            + "of this map; known are " + known);
      }
    }
  }

  /** Entitlements dropped as malformed since start (for a meter). */
  public long malformedEntitlementsDropped() {
    return malformedEntitlements.sum();
  }

  /** Entitlements dropped for an untrusted authority since start (for a meter). */
  public long untrustedEntitlementsDropped() {
    return untrustedEntitlements.sum();
  }

  /** The upstream this mapper is for. */
  public String upstreamId() {
    return upstreamId;
  }

  /** The SAML attribute names (e.g. to list RequestedAttributes in SP metadata). */
  public SamlAttributeMap samlNames() {
    return saml;
  }

  /**
   * The SAML attributes the internal map reads, as RequestedAttributes for the SP metadata: every friendly name of
   * a {@code saml} profile that the attribute maps give a {@code uri} Name, once, in map order; required when it
   * feeds a required internal attribute.
   */
  public List<RequestedSamlAttribute> requestedSamlAttributes() {
    Map<String, RequestedSamlAttribute> out = new LinkedHashMap<>();
    Set<String> requiredNames = new LinkedHashSet<>(required.names());
    for (String attr : internal.names()) {
      for (String friendly : internal.externalNames(attr, UpstreamAttributes.Protocol.SAML.profile())) {
        var name = saml.samlName(friendly, SamlAttribute.URI);
        if (name.isPresent()) {
          boolean req = requiredNames.contains(attr);
          out.merge(name.get(), new RequestedSamlAttribute(name.get(), SamlAttribute.URI, friendly, req),
              (a, b) -> a.required() || !b.required() ? a : b);
        }
      }
    }
    return List.copyOf(out.values());
  }

  /** The internal attribute map (e.g. to write outbound claims with {@link InternalAttributeMap#fromInternal}). */
  public InternalAttributeMap internalMap() {
    return internal;
  }

  /**
   * Maps one login.
   *
   * @throws NoUsableUserIdException when no configured source gives a canonical user id
   * @throws MissingAttributesException when required attributes were not released
   * @throws IllegalArgumentException when {@code in} is for another upstream or protocol (a wiring error)
   */
  public MappedIdentity identity(UpstreamAttributes in) {
    return identity(in, Set.of());
  }

  /**
   * Maps one login, trusting the entitlement authorities {@code moreTrustedAuthorities} besides the configured
   * {@code trustedEntitlementAuthorities} (e.g. the registry's list for this upstream, read at login time).
   *
   * @throws NoUsableUserIdException when no configured source gives a canonical user id
   * @throws MissingAttributesException when required attributes were not released
   * @throws IllegalArgumentException when {@code in} is for another upstream or protocol (a wiring error)
   */
  public MappedIdentity identity(UpstreamAttributes in, Set<String> moreTrustedAuthorities) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(moreTrustedAuthorities, "moreTrustedAuthorities");
    if (!in.upstreamId().equals(upstreamId) || in.protocol() != protocol) {
      throw new IllegalArgumentException("attributes of " + in.upstreamId() + " (" + in.protocol()
          + ") given to the mapper of " + upstreamId + " (" + protocol + ")");
    }
    List<String> unmapped = List.of();
    Map<String, ?> external;
    if (in.protocol() == UpstreamAttributes.Protocol.SAML) {
      SamlAttributeMap.Mapped mapped = saml.map(in.samlAttributes());
      external = mapped.byFriendlyName();
      unmapped = mapped.unmapped();
    } else {
      external = in.claims();
    }
    CanonicalUserId userId = selector.select(evidence(in));
    Map<String, List<String>> attributes = new LinkedHashMap<>(internal.toInternal(protocol.profile(), external));
    internal.userIdToAttr().ifPresent(attr -> attributes.put(attr, List.of(satosaUserId(attributes, userId))));
    ProcessingContext context = new ProcessingContext(upstreamId, in.idpEntityId(), in.requester(), in.scopes());
    Map<String, List<String>> processed = chain.apply(context, attributes);
    List<String> missing = required.missing(processed);
    if (!missing.isEmpty()) {
      throw new MissingAttributesException(in.idpEntityId(), missing);
    }
    EntitlementPolicy.Result ent = entitlements.with(moreTrustedAuthorities)
        .filter(merged(processed, identityAttributes.entitlements()));
    if (ent.malformed() + ent.untrusted() > 0) {
      malformedEntitlements.add(ent.malformed());
      untrustedEntitlements.add(ent.untrusted());
      // INFO the first time an IdP sends drops from a given set of untrusted authorities; DEBUG afterwards
      boolean first = idpsWithDroppedEntitlements.size() < MAX_REMEMBERED_IDPS
          && idpsWithDroppedEntitlements.add(in.idpEntityId() + " " + ent.untrustedAuthorities());
      if (first) {
        LOG.info("upstream {}: IdP {} sent {} malformed and {} untrusted entitlements (authorities {}, not in the "
            + "trusted list); they are dropped (further such drops from this IdP are only counted)", upstreamId,
            printable(in.idpEntityId()), ent.malformed(), ent.untrusted(), ent.untrustedAuthorities());
      } else {
        LOG.debug("upstream {}: IdP {} sent {} malformed and {} untrusted entitlements (authorities {}); dropped",
            upstreamId, printable(in.idpEntityId()), ent.malformed(), ent.untrusted(), ent.untrustedAuthorities());
      }
    }
    if (!unmapped.isEmpty()) {
      LOG.debug("upstream {}: IdP {} sent SAML attributes no attribute map knows: {}", upstreamId,
          in.idpEntityId(), unmapped);
    }
    List<String> assurance = Assurance.filter(merged(processed, identityAttributes.assurance()));
    String acr = in.authnContextClassRef() == null || in.authnContextClassRef().isBlank() ? ACR_UNSPECIFIED
        : in.authnContextClassRef();
    UpstreamIdentity identity = new UpstreamIdentity(userId.value(),
        first(processed, identityAttributes.displayName(), MAX_DISPLAY_NAME),
        first(processed, identityAttributes.email(), MAX_EMAIL), ent.values(), assurance, acr, List.of());
    return new MappedIdentity(identity, userId.source(), processed, unmapped, ent.malformed(), ent.untrusted());
  }

  /** {@code s} safe for a log line: control characters replaced, at most 200 characters. */
  private static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }

  /** SATOSA's subject id: the concatenated values of {@code user_id_from_attrs}, else the canonical id. */
  private String satosaUserId(Map<String, List<String>> attributes, CanonicalUserId userId) {
    if (internal.userIdFromAttrs().isEmpty()) {
      return userId.value();
    }
    StringBuilder sb = new StringBuilder();
    for (String name : internal.userIdFromAttrs()) {
      attributes.getOrDefault(name, List.of()).forEach(sb::append);
    }
    return sb.isEmpty() ? userId.value() : sb.toString();
  }

  private static List<String> merged(Map<String, List<String>> attributes, List<String> names) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : names) {
      out.addAll(attributes.getOrDefault(n, List.of()));
    }
    return List.copyOf(out);
  }

  private static String first(Map<String, List<String>> attributes, List<String> names, int max) {
    for (String n : names) {
      for (String v : attributes.getOrDefault(n, List.of())) {
        if (!v.isBlank() && Input.isClean(v, max)) {
          return v;
        }
      }
    }
    return null;
  }

  private static IdentityEvidence evidence(UpstreamAttributes in) {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (SamlAttribute a : in.samlAttributes()) {
      byName.computeIfAbsent(a.name(), k -> new ArrayList<>()).addAll(a.values());
    }
    return new IdentityEvidence() {
      @Override
      public String issuer() {
        return in.idpEntityId();
      }

      @Override
      public List<String> samlValues(String name) {
        return name == null ? List.of() : byName.getOrDefault(name, List.of());
      }

      @Override
      public List<String> claimValues(String claim) {
        if (claim == null) {
          return List.of();
        }
        Object v = in.claims().get(claim);
        if (v instanceof String s) {
          return List.of(s);
        }
        if (v instanceof Collection<?> c) {
          return c.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
      }

      @Override
      public String nameIdValue() {
        return in.nameId() == null ? null : in.nameId().value();
      }

      @Override
      public String nameIdFormat() {
        return in.nameId() == null ? null : in.nameId().format();
      }

      @Override
      public List<IdpScope> scopes() {
        return in.scopes();
      }
    };
  }
}
