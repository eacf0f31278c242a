package eu.panosc.aai.attributes.process;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Python {@code re} patterns and replacement templates (as SATOSA's files contain them) in Java's syntax: {@code
 * \Z} becomes {@code \z}, {@code (?P<name>} becomes {@code (?<name>}, {@code (?P=name)} becomes {@code
 * \k<name>}; in a replacement {@code \1} and {@code \g<1>} become group references and {@code $} is literal.
 */
final class PythonRegex {
  private PythonRegex() {}

  /** Compiles a Python pattern; throws {@link PatternSyntaxException} when it is not valid. */
  static Pattern compile(String python) {
    StringBuilder out = new StringBuilder(python.length() + 8);
    for (int i = 0; i < python.length(); i++) {
      char c = python.charAt(i);
      if (c == '\\' && i + 1 < python.length()) {
        char next = python.charAt(i + 1);
        out.append('\\').append(next == 'Z' ? 'z' : next);
        i++;
      } else if (python.startsWith("(?P<", i)) {
        out.append("(?<");
        i += 3;
      } else if (python.startsWith("(?P=", i)) {
        int end = python.indexOf(')', i);
        if (end < 0) {
          throw new PatternSyntaxException("unterminated (?P=", python, i);
        }
        out.append("\\k<").append(python, i + 4, end).append('>');
        i = end;
      } else {
        out.append(c);
      }
    }
    return Pattern.compile(out.toString());
  }

  /** Converts a Python replacement template to a Java one. */
  static String replacement(String python) {
    StringBuilder out = new StringBuilder(python.length() + 8);
    for (int i = 0; i < python.length(); i++) {
      char c = python.charAt(i);
      if (c == '$') {
        out.append("\\$");
      } else if (c == '\\' && i + 1 < python.length()) {
        char next = python.charAt(i + 1);
        if (Character.isDigit(next)) {
          int j = i + 1;
          while (j < python.length() && j < i + 3 && Character.isDigit(python.charAt(j))) {
            j++;
          }
          out.append('$').append(python, i + 1, j);
          i = j - 1;
        } else if (next == 'g' && i + 2 < python.length() && python.charAt(i + 2) == '<') {
          int end = python.indexOf('>', i);
          if (end < 0) {
            throw new IllegalArgumentException("unterminated \\g< in the replacement");
          }
          String group = python.substring(i + 3, end);
          out.append(!group.isEmpty() && group.chars().allMatch(Character::isDigit) ? "$" + group : "${" + group + "}");
          i = end;
        } else if (next == 'n') {
          out.append('\n');
          i++;
        } else if (next == '\\') {
          out.append("\\\\");
          i++;
        } else {
          out.append('\\').append(next);
          i++;
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
