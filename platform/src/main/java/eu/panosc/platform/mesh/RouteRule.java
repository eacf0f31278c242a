package eu.panosc.platform.mesh;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One route rule of a resource server (issue 15): which requests of a facility service (methods and a path
 * template such as {@code /api/v3/datasets/{pid}}) mean which AuthZEN action on which resource, or that the
 * route is public. The registry validates rules with {@link #parse} when they are written; the PDP parses the
 * published ones again and matches requests with {@link #match}. No HTTP types: a method and a raw path are
 * strings.
 *
 * <p>Path templates: {@code /}-separated segments, each either literal text or a whole-segment variable
 * {@code {name}}; the last segment may be {@code {name+}}, which takes the rest of the path (several segments,
 * for ids holding {@code /} such as DOIs). A template may end in {@code /} only if it is {@code /}. Variable
 * values are percent-decoded; a literal segment compares with the decoded request segment. The resource id
 * template is fixed text or text holding {@code {name}} references to the path's variables.
 *
 * @param methods upper-case HTTP methods; empty = every method
 * @param path the path template as written
 * @param action the AuthZEN action name, or null for a public rule
 * @param resourceType the AuthZEN resource type, or null for a public rule
 * @param resourceId the resource id template, or null for a public rule
 * @param isPublic whether matching requests pass without a token or a decision
 */
public record RouteRule(List<String> methods, String path, String action, String resourceType, String resourceId,
    boolean isPublic) {
  /** How many rules one resource server may have. */
  public static final int MAX_RULES = 200;
  /** How long a path template may be, and how many segments it may have. */
  public static final int MAX_PATH = 512;
  public static final int MAX_SEGMENTS = 32;
  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,31}");
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@%-]+");
  private static final Pattern REFERENCE = Pattern.compile("\\{([^{}]*)}");

  public RouteRule {
    methods = List.copyOf(methods);
  }

  /** The variables of the path template, in order. */
  public List<String> variables() {
    List<String> out = new ArrayList<>();
    for (String s : segments(path)) {
      if (s.startsWith("{")) {
        out.add(s.substring(1, s.length() - (s.endsWith("+}") ? 2 : 1)));
      }
    }
    return out;
  }

  /**
   * Checks one rule's parts, failing with an {@link InvalidInputException} naming the field under
   * {@code pointer} (e.g. {@code /routeRules/3/path}).
   */
  public static RouteRule parse(String pointer, List<String> methods, String path, String action, String resourceType,
      String resourceId, boolean isPublic) {
    Set<String> m = new LinkedHashSet<>();
    for (int i = 0; i < methods.size(); i++) {
      String s = methods.get(i);
      if (s == null || !METHOD.matcher(s).matches()) {
        throw new InvalidInputException(pointer + "/methods/" + i, "must be an upper-case HTTP method such as GET");
      }
      m.add(s);
    }
    if (path == null) {
      throw new InvalidInputException(pointer + "/path", "is required");
    }
    Input.text(pointer + "/path", path, MAX_PATH, true);
    Set<String> vars = checkTemplate(pointer + "/path", path);
    if (isPublic && action == null && resourceType == null && resourceId == null) {
      return new RouteRule(List.copyOf(m), path, null, null, null, true);
    }
    if (action == null) {
      throw new InvalidInputException(pointer + "/action", "is required unless the rule is public");
    }
    Input.id(pointer + "/action", action);
    if (resourceType == null) {
      throw new InvalidInputException(pointer + "/resource/type", "is required unless the rule is public");
    }
    Input.id(pointer + "/resource/type", resourceType);
    if (resourceId == null) {
      throw new InvalidInputException(pointer + "/resource/id", "is required unless the rule is public");
    }
    Input.id(pointer + "/resource/id", resourceId);
    var refs = REFERENCE.matcher(resourceId);
    while (refs.find()) {
      if (!vars.contains(refs.group(1))) {
        throw new InvalidInputException(pointer + "/resource/id", "refers to {" + refs.group(1)
            + "}, which is not a variable of the path template" + (vars.isEmpty() ? "" : " " + vars));
      }
    }
    String rest = REFERENCE.matcher(resourceId).replaceAll("");
    if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
      throw new InvalidInputException(pointer + "/resource/id", "has an unbalanced { or }");
    }
    return new RouteRule(List.copyOf(m), path, action, resourceType, resourceId, isPublic);
  }

  private static Set<String> checkTemplate(String field, String path) {
    if (!path.startsWith("/")) {
      throw new InvalidInputException(field, "must start with /");
    }
    if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
      throw new InvalidInputException(field, "must not hold a query or fragment");
    }
    if (path.length() > 1 && path.endsWith("/")) {
      throw new InvalidInputException(field, "must not end with / (except the template /)");
    }
    List<String> segments = segments(path);
    if (segments.size() > MAX_SEGMENTS) {
      throw new InvalidInputException(field, "must have at most " + MAX_SEGMENTS + " segments");
    }
    Set<String> vars = new LinkedHashSet<>();
    for (int i = 0; i < segments.size(); i++) {
      String s = segments.get(i);
      if (s.isEmpty()) {
        throw new InvalidInputException(field, "must not hold an empty segment (//)");
      }
      if (s.startsWith("{") && s.endsWith("}")) {
        boolean rest = s.endsWith("+}");
        String name = s.substring(1, s.length() - (rest ? 2 : 1));
        if (!NAME.matcher(name).matches()) {
          throw new InvalidInputException(field, "variable {" + name + "} must be a name of letters, digits and _");
        }
        if (rest && i != segments.size() - 1) {
          throw new InvalidInputException(field, "{" + name + "+} must be the last segment");
        }
        if (!vars.add(name)) {
          throw new InvalidInputException(field, "variable {" + name + "} appears twice");
        }
      } else if (s.equals(".") || s.equals("..") || !LITERAL.matcher(s).matches()) {
        throw new InvalidInputException(field, "segment '" + s
            + "' must be a whole-segment {variable} or literal characters allowed in a URL path (no . or ..)");
      }
    }
    return vars;
  }

  private static List<String> segments(String path) {
    if (path.equals("/")) {
      return List.of();
    }
    return List.of(path.substring(1).split("/", -1));
  }

  /**
   * The variables when {@code method} and the raw request {@code path} (without query; percent-encoded as sent)
   * match this rule, else empty. A path with an empty, {@code .} or {@code ..} segment, or with an encoding that
   * does not decode, never matches (so {@code /a/../b} cannot reach the rule of {@code /b}).
   */
  public Optional<Map<String, String>> match(String method, String rawPath) {
    if (!methods.isEmpty() && !methods.contains(method.toUpperCase(Locale.ROOT))) {
      return Optional.empty();
    }
    if (rawPath == null || !rawPath.startsWith("/")) {
      return Optional.empty();
    }
    List<String> want = segments(path);
    List<String> got = segments(rawPath);
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < want.size(); i++) {
      String w = want.get(i);
      if (w.endsWith("+}") && w.startsWith("{")) {
        if (i >= got.size()) {
          return Optional.empty();
        }
        StringBuilder sb = new StringBuilder();
        for (int j = i; j < got.size(); j++) {
          String d = decoded(got.get(j));
          if (d == null) {
            return Optional.empty();
          }
          sb.append(j == i ? "" : "/").append(d);
        }
        vars.put(w.substring(1, w.length() - 2), sb.toString());
        return Optional.of(vars);
      }
      if (i >= got.size()) {
        return Optional.empty();
      }
      String d = decoded(got.get(i));
      if (d == null) {
        return Optional.empty();
      }
      if (w.startsWith("{")) {
        vars.put(w.substring(1, w.length() - 1), d);
      } else if (!d.equals(decoded(w))) {
        return Optional.empty();
      }
    }
    return got.size() == want.size() ? Optional.of(vars) : Optional.empty();
  }

  private static String decoded(String segment) {
    if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
      return null;
    }
    try {
      String d = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
      if (d.equals(".") || d.equals("..") || d.indexOf('\uFFFD') >= 0 || !Input.isClean(d, Input.MAX_ID)) {
        return null;
      }
      return d;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The resource id for the matched {@code variables}: the id template with each {@code {name}} replaced. */
  public String resourceIdFor(Map<String, String> variables) {
    if (resourceId == null) {
      return null;
    }
    return REFERENCE.matcher(resourceId).replaceAll(r -> java.util.regex.Matcher.quoteReplacement(
        variables.getOrDefault(r.group(1), "")));
  }

  /** The first rule of {@code rules} matching the request, with its variables; empty when none (default deny). */
  public static Optional<Match> first(List<RouteRule> rules, String method, String rawPath) {
    for (RouteRule r : rules) {
      Optional<Map<String, String>> vars = r.match(method, rawPath);
      if (vars.isPresent()) {
        return Optional.of(new Match(r, vars.get()));
      }
    }
    return Optional.empty();
  }

  /** A matched rule and the values of its path variables. */
  public record Match(RouteRule rule, Map<String, String> variables) {
    public Match {
      variables = Map.copyOf(variables);
    }

    /** The resource id this request is about (null for a public rule without resource). */
    public String resourceId() {
      return rule.resourceIdFor(variables);
    }
  }
}
