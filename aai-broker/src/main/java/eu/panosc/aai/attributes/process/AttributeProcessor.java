package eu.panosc.aai.attributes.process;

import java.util.List;
import java.util.Map;

/**
 * One step of an upstream's attribute processing, in the spirit of a SATOSA response micro-service: it changes
 * the internal attributes (name → values) in place. An attribute left without values is removed.
 */
public interface AttributeProcessor {
  /** Applies this step to {@code attributes} (mutable, in order). */
  void apply(ProcessingContext context, Map<String, List<String>> attributes);

  /** A short description for start-up logs; never a secret. */
  String describe();

  /** The internal attributes this step looks at by name (to warn at start about names no map defines). */
  default java.util.Set<String> readsAttributes() {
    return java.util.Set.of();
  }

  /** The internal attributes this step creates whatever the IdP sent. */
  default java.util.Set<String> addsAttributes() {
    return java.util.Set.of();
  }
}
