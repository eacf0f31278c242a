package eu.panosc.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Package import loops among the main sources of one module: reads every {@code .java} file under a source root,
 * draws an arrow from its package to each package of the same source root it names (imports, static imports and
 * fully qualified references in code; comments and string literals do not count), and reports the strongly
 * connected components of more than one package. A module's test calls {@link #assertNone(Path)} so that
 * dependencies keep pointing one way.
 *
 * @see <a href="https://en.wikipedia.org/wiki/Tarjan%27s_strongly_connected_components_algorithm">Tarjan's algorithm</a>
 */
public final class PackageCycles {
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  /** A dotted name starting with a lower-case identifier: a candidate package-qualified reference. */
  private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])([a-z_][\\w]*(?:\\.[A-Za-z_][\\w]*)+)");
  private static final Pattern NOISE = Pattern.compile(
      "\"\"\"(?s:.*?)\"\"\"|/\\*(?s:.*?)\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+'");

  private final Map<String, Set<String>> arrows;

  private PackageCycles(Map<String, Set<String>> arrows) {
    this.arrows = arrows;
  }

  /** The package graph of the sources under {@code sourceRoot} (e.g. {@code src/main/java}). */
  public static PackageCycles scan(Path sourceRoot) {
    Map<String, String> codeOf = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String code = NOISE.matcher(Files.readString(file, StandardCharsets.UTF_8)).replaceAll(" ");
        Matcher pkg = PACKAGE.matcher(code);
        if (pkg.find()) {
          codeOf.merge(pkg.group(1), code.substring(pkg.end()), (a, b) -> a + "\n" + b);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sources under " + sourceRoot, e);
    }
    Map<String, Set<String>> arrows = new TreeMap<>();
    for (Map.Entry<String, String> e : codeOf.entrySet()) {
      Set<String> targets = new TreeSet<>();
      Matcher m = QUALIFIED.matcher(e.getValue());
      while (m.find()) {
        String target = packageOf(m.group(1), codeOf.keySet());
        if (target != null && !target.equals(e.getKey())) {
          targets.add(target);
        }
      }
      arrows.put(e.getKey(), targets);
    }
    return new PackageCycles(arrows);
  }

  /** The longest prefix of {@code name} that is one of {@code packages}, or null. */
  private static String packageOf(String name, Set<String> packages) {
    for (String candidate = name; ; ) {
      if (packages.contains(candidate)) {
        return candidate;
      }
      int dot = candidate.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      candidate = candidate.substring(0, dot);
    }
  }

  /** Fails with the loops of the sources under {@code sourceRoot}, one line each, if there are any. */
  public static void assertNone(Path sourceRoot) {
    List<List<String>> loops = scan(sourceRoot).loops();
    if (!loops.isEmpty()) {
      StringBuilder message = new StringBuilder("package loops under " + sourceRoot
          + " (make dependencies point one way: move the class that closes the loop, or put what both sides"
          + " need in a lower package):");
      for (List<String> loop : loops) {
        message.append("\n  loop: ").append(String.join(" <-> ", loop));
      }
      throw new AssertionError(message.toString());
    }
  }

  /** Each package's arrows: the packages of the same source root it names. */
  public Map<String, Set<String>> arrows() {
    return arrows;
  }

  /** Every set of two or more packages that reach each other, each sorted, in order of their first package. */
  public List<List<String>> loops() {
    Tarjan t = new Tarjan();
    arrows.keySet().forEach(p -> {
      if (!t.index.containsKey(p)) {
        t.visit(p);
      }
    });
    t.loops.sort((a, b) -> a.get(0).compareTo(b.get(0)));
    return t.loops;
  }

  private final class Tarjan {
    final Map<String, Integer> index = new HashMap<>();
    final Map<String, Integer> low = new HashMap<>();
    final Deque<String> stack = new ArrayDeque<>();
    final Set<String> onStack = new TreeSet<>();
    final List<List<String>> loops = new ArrayList<>();

    void visit(String v) {
      index.put(v, index.size());
      low.put(v, index.get(v));
      stack.push(v);
      onStack.add(v);
      for (String w : arrows.getOrDefault(v, Set.of())) {
        if (!index.containsKey(w)) {
          visit(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        List<String> component = new ArrayList<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        if (component.size() > 1) {
          component.sort(null);
          loops.add(component);
        }
      }
    }
  }
}
