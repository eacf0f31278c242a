package eu.panosc.controlplane;

import eu.panosc.platform.service.ServiceModule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The service modules on the classpath, in start order (the registry first: others read from it). */
final class Modules {
  static final List<String> ORDER = List.of("registry", "aai", "pdp", "broker", "accounting");

  private Modules() {}

  static List<ServiceModule> all() {
    List<ServiceModule> found = new ArrayList<>();
    ServiceLoader.load(ServiceModule.class).forEach(found::add);
    found.sort(Comparator.comparingInt(m -> {
      int i = ORDER.indexOf(m.name());
      return i < 0 ? ORDER.size() : i;
    }));
    return found;
  }

  static ServiceModule named(String name) {
    return all().stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown service '" + name + "'; known services: "
            + String.join(", ", all().stream().map(ServiceModule::name).toList())));
  }
}
