package eu.panosc.platform.config;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-default}} in configuration strings from an environment
 * map. {@code $${...}} is a literal {@code ${...}}. An unset variable without a default is an error
 * naming both the key and the variable.
 */
final class EnvExpander {
  private static final Pattern REF =
      Pattern.compile("\\$(\\$?)\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Map<String, String> env;

  EnvExpander(Map<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  String expand(String key, String value) {
    Matcher m = REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (!m.group(1).isEmpty()) {
        replacement = m.group().substring(1);
      } else {
        String name = m.group(2);
        String fallback = m.group(3);
        String found = env.get(name);
        if (found != null && !found.isEmpty()) {
          replacement = found;
        } else if (fallback != null) {
          replacement = fallback;
        } else {
          throw new ConfigException(key, "environment variable " + name
              + " is not set; set it or write ${" + name + ":-default}");
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
