package eu.panosc.broker.api;

import eu.panosc.broker.session.NewSession;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code POST /v1/sessions} bodies: {@code {"image": id, "flavour": id, "datasets": [pid, ...],
 * "proposal": id?}}; anything else is a 400 naming the field.
 */
final class SessionRequestParser {
  static final int MAX_DATASETS = 100;
  private static final Set<String> FIELDS = Set.of("image", "flavour", "datasets", "proposal");

  private SessionRequestParser() {}

  static NewSession parse(JsonObject o) {
    for (String key : o.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw ApiException.invalidField("/" + key, "unknown field; known fields are datasets, flavour, image, proposal");
      }
    }
    String image = id(o, "image", true);
    String flavour = id(o, "flavour", true);
    Object ds = o.getValue("datasets");
    List<String> datasets = new ArrayList<>();
    if (ds != null) {
      if (!(ds instanceof JsonArray array)) {
        throw ApiException.invalidField("/datasets", "must be an array of dataset ids");
      }
      if (array.size() > MAX_DATASETS) {
        throw ApiException.invalidField("/datasets", "holds more than " + MAX_DATASETS + " datasets");
      }
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < array.size(); i++) {
        if (!(array.getValue(i) instanceof String s)) {
          throw ApiException.invalidField("/datasets/" + i, "must be a string");
        }
        String pid = checked("/datasets/" + i, s);
        if (seen.add(pid)) {
          datasets.add(pid);
        }
      }
    }
    return new NewSession(image, flavour, datasets, Optional.ofNullable(id(o, "proposal", false)));
  }

  private static String id(JsonObject o, String field, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw ApiException.invalidField("/" + field, "is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.invalidField("/" + field, "must be a string");
    }
    return checked("/" + field, s);
  }

  private static String checked(String field, String s) {
    try {
      return Input.id(field, s, Input.MAX_ID);
    } catch (InvalidInputException e) {
      throw ApiException.invalidField(field, e.getMessage() == null ? "is invalid" : reason(e, field));
    }
  }

  private static String reason(InvalidInputException e, String field) {
    String m = e.getMessage();
    return m.startsWith(field + " ") ? m.substring(field.length() + 1) : m;
  }
}
