package eu.panosc.pdp.policy;

import java.util.List;
import java.util.Map;

/**
 * The relationship functions declared to CEL: {@code member(subject, resource)} returns the subject's
 * role in the dataset's proposal or {@code ""}; {@code staff(subject, facility)} returns the subject's
 * staff roles at a facility.
 */
public interface RelationFunctions {
  String member(Map<?, ?> subject, Map<?, ?> resource);

  List<String> staff(Map<?, ?> subject, String facility);
}
