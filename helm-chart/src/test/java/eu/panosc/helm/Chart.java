package eu.panosc.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart at {@code helm/panosc} through the real Helm library (helm-java): lint and template, and the rendered
 * objects parsed into Fabric8's typed model, strictly: a field the typed model does not know (it would land in a
 * model's {@code additionalProperties}) fails the parse, naming the object and the field.
 */
final class Chart {
  static final Path DIR = Paths.get(System.getProperty("panosc.chart.dir", "../helm/panosc")).toAbsolutePath()
      .normalize();
  static final String RELEASE = "panosc";
  static final String NAMESPACE = "panosc";
  /** The Kubernetes version templates are rendered for (the chart needs 1.27+: matchLabelKeys, PDB policy/v1). */
  static final String KUBE = "1.31.0";
  /** The chart's required values only, on top of its defaults. */
  static final Map<String, String> REQUIRED = Map.of("publicUrl", "https://panosc.example.org", "database.url",
      "postgresql://db.example.org:5432/panosc?sslmode=require", "database.existingSecret", "panosc-db");
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {
  }

  static Path ci(String file) {
    return DIR.resolve("ci").resolve(file);
  }

  /** {@code helm template} with a values file (or none) and {@code --set} values; Helm's error as the exception. */
  static String template(Path valuesFile, Map<String, ?> set) {
    TemplateCommand t = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE);
    if (valuesFile != null) {
      t = t.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, ?> e : set.entrySet()) {
      t = t.set(e.getKey(), e.getValue());
    }
    return t.call();
  }

  /**
   * {@code helm lint --strict} of the chart as installed with these values: a copy of the chart whose values.yaml is
   * the chart's defaults deep-merged with the file's (helm-java's lint takes no values file).
   */
  static LintResult lint(Path valuesFile, Path work) {
    try {
      Path copy = work.resolve("panosc");
      try (Stream<Path> files = Files.walk(DIR)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Path to = copy.resolve(DIR.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
      Yaml yaml = new Yaml();
      Map<String, Object> values = yaml.load(Files.readString(DIR.resolve("values.yaml")));
      if (valuesFile != null) {
        merge(values, yaml.load(Files.readString(valuesFile)));
      }
      DumperOptions o = new DumperOptions();
      o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      Files.writeString(copy.resolve("values.yaml"), new Yaml(o).dump(values));
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> into, Map<String, Object> from) {
    for (Map.Entry<String, Object> e : from.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> m && into.get(e.getKey()) instanceof Map<?, ?> old) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) old);
        merge(copy, (Map<String, Object>) m);
        into.put(e.getKey(), copy);
      } else {
        into.put(e.getKey(), e.getValue());
      }
    }
  }

  /** Every document of a rendered chart, parsed strictly into Fabric8's model (custom resources stay generic). */
  static List<HasMetadata> parse(String rendered) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      Object o = SERIALIZATION.unmarshal(doc);
      if (!(o instanceof HasMetadata h)) {
        throw new AssertionError("not a Kubernetes object: " + doc);
      }
      if (!(h instanceof GenericKubernetesResource)) {
        List<String> unknown = new ArrayList<>();
        unknownFields(h, h.getKind(), unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
          throw new AssertionError(h.getKind() + " " + h.getMetadata().getName() + ": fields unknown to the typed "
              + "model: " + unknown);
        }
      }
      out.add(h);
    }
    return out;
  }

  /** Walks a typed model: any non-empty {@code additionalProperties} is a field the model does not know. */
  private static void unknownFields(Object o, String path, List<String> unknown, Map<Object, Boolean> seen) {
    if (o == null || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        unknownFields(e, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
      return;
    }
    if (!(o instanceof KubernetesResource)) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v;
      try {
        v = m.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (m.getName().equals("getAdditionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
      } else if (v instanceof KubernetesResource || v instanceof Collection<?> || (v instanceof Map<?, ?>
          && !Set.of("getLabels", "getAnnotations", "getData", "getStringData", "getMatchLabels", "getNodeSelector",
              "getSelector").contains(m.getName()))) {
        String name = m.getName().substring(3);
        unknownFields(v, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), unknown, seen);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(o -> (T) o).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    return all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + objects.stream()
            .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
  }
}
