package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An upstream's attribute processors, in order, built at start from SATOSA micro-service files as they are
 * ({@code module}, {@code name}, {@code config}). Known modules: {@code FilterAttributeValues} and {@code
 * AddStaticAttributes} ({@code satosa.micro_services.attribute_modifications}), {@code Hasher} ({@code
 * satosa.micro_services.hasher}) and {@code AttributeProcessor} ({@code
 * satosa.micro_services.attribute_processor}). Anything else is refused at start, naming the file and line.
 */
public final class ProcessorChain {
  private static final Map<String, String> MODULES = Map.of(
      "satosa.micro_services.attribute_modifications.FilterAttributeValues", "FilterAttributeValues",
      "satosa.micro_services.attribute_modifications.AddStaticAttributes", "AddStaticAttributes",
      "satosa.micro_services.hasher.Hasher", "Hasher",
      "satosa.micro_services.attribute_processor.AttributeProcessor", "AttributeProcessor");
  private static final Set<String> REQUEST_SERVICES = Set.of("satosa.micro_services.idp_hinting.IdpHinting",
      "satosa.micro_services.custom_routing.DecideBackendByTargetIssuer",
      "satosa.micro_services.custom_routing.DecideBackendByRequester",
      "satosa.micro_services.disco.DiscoToTargetIssuer");

  private final List<AttributeProcessor> processors;
  private final List<String> warnings;

  ProcessorChain(List<AttributeProcessor> processors, List<String> warnings) {
    this.processors = List.copyOf(processors);
    this.warnings = List.copyOf(warnings);
  }

  /** A chain that changes nothing. */
  public static ProcessorChain empty() {
    return new ProcessorChain(List.of(), List.of());
  }

  /**
   * Builds the chain from micro-service files, in order.
   *
   * @param subjectIdAttribute the internal attribute a Hasher's {@code subject_id} applies to, or null
   * @param hashAttributes internal attributes to hash with {@code hashSalt} (the internal map's {@code hash})
   * @param hashSalt the salt for {@code hashAttributes}; required when they are not empty
   * @throws AttributeConfigException naming the file, line and key of the first problem
   */
  public static ProcessorChain from(List<YNode> files, String subjectIdAttribute, List<String> hashAttributes,
      Salt hashSalt) {
    List<AttributeProcessor> processors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (YNode file : files) {
      processors.add(microService(file, subjectIdAttribute, warnings));
    }
    if (!hashAttributes.isEmpty()) {
      if (hashSalt == null) {
        throw new IllegalArgumentException("the internal attribute map lists attributes under 'hash' "
            + hashAttributes + " but no hash salt is configured");
      }
      processors.add(new Hasher(new Hasher.Settings(hashSalt, HashAlgorithm.SHA512, false, hashAttributes),
          Map.of(), null));
    }
    return new ProcessorChain(processors, warnings);
  }

  private static AttributeProcessor microService(YNode file, String subjectIdAttribute, List<String> warnings) {
    YNode.Mapping m = file.mapping("micro-service");
    m.onlyKeys(Set.of("module", "name", "config"), "micro-service");
    String module = m.required("module", "micro-service").text("module");
    if (REQUEST_SERVICES.contains(module)) {
      throw new AttributeConfigException(m.source(), m.keyLine("module"), "module " + module + " is a SATOSA "
          + "request micro-service (routing or IdP hinting), not an attribute processor; leave it out here");
    }
    String kind = MODULES.get(module);
    if (kind == null) {
      throw new AttributeConfigException(m.source(), m.keyLine("module"), "unknown micro-service module '" + module
          + "'; known are " + new java.util.TreeSet<>(MODULES.keySet()));
    }
    YNode config = m.required("config", "micro-service " + kind);
    return switch (kind) {
      case "FilterAttributeValues" -> ValueFilter.from(config);
      case "AddStaticAttributes" -> StaticValues.from(config);
      case "Hasher" -> Hasher.from(config, subjectIdAttribute, warnings);
      default -> PerAttributeProcessors.from(config, warnings);
    };
  }

  /** Runs every processor on a copy of {@code attributes} and returns it (attributes without values removed). */
  public Map<String, List<String>> apply(ProcessingContext context, Map<String, List<String>> attributes) {
    Map<String, List<String>> out = new LinkedHashMap<>(attributes);
    for (AttributeProcessor p : processors) {
      p.apply(context, out);
    }
    out.values().removeIf(List::isEmpty);
    return out;
  }

  /** What each processor does, for the start-up log (no secrets). */
  public List<String> describe() {
    return processors.stream().map(AttributeProcessor::describe).toList();
  }

  /**
   * The attributes the processors look at by name that neither {@code defined} nor an earlier processor
   * creates: such a filter or hash would never apply (names are compared exactly, as in SATOSA).
   */
  public java.util.Set<String> undefinedNames(java.util.Set<String> defined) {
    java.util.Set<String> known = new java.util.HashSet<>(defined);
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (AttributeProcessor p : processors) {
      for (String n : p.readsAttributes()) {
        if (!known.contains(n)) {
          out.add(n);
        }
      }
      known.addAll(p.addsAttributes());
    }
    return out;
  }

  /** Warnings found while reading (e.g. a weak hash), for the start-up log. */
  public List<String> warnings() {
    return warnings;
  }
}
