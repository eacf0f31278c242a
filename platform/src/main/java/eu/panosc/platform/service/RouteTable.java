package eu.panosc.platform.service;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routes a router answers, sub-routers included, in OpenAPI's spelling ({@code :id} and a regular
 * expression's named group {@code (?<id>...)} become {@code {id}}; a prefix route ({@code /a/*}) ends in
 * {@code *}). Routes without a path (handlers for every request) and without a method (any method) are left out:
 * they are plumbing, not resources.
 */
public final class RouteTable {
  private static final Pattern PARAM = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([A-Za-z][A-Za-z0-9]*)>[^)]*\\)");

  /** One method on one path; {@code path} is the full path from the server's root. */
  public record Entry(String method, String path) {}

  private RouteTable() {}

  public static List<Entry> of(Router router) {
    List<Entry> entries = new ArrayList<>();
    collect(router, "", entries);
    entries.sort(Comparator.comparing(Entry::path).thenComparing(Entry::method));
    return List.copyOf(entries);
  }

  private static void collect(Router router, String prefix, List<Entry> into) {
    for (Route route : router.getRoutes()) {
      String path = route.isRegexPath() ? fromRegex(route.getName()) : route.getPath();
      if (path == null) {
        continue;
      }
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), prefix + stripTrailingSlash(path), into);
        continue;
      }
      if (route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      String full = prefix + path + (route.isRegexPath() || route.isExactPath() ? "" : "*");
      String openApiPath = PARAM.matcher(full).replaceAll("{$1}");
      for (HttpMethod method : route.methods()) {
        into.add(new Entry(method.name(), openApiPath));
      }
    }
  }

  private static String stripTrailingSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String fromRegex(String regex) {
    if (regex == null) {
      return null;
    }
    Matcher m = NAMED_GROUP.matcher(regex);
    return m.replaceAll("{$1}");
  }
}
