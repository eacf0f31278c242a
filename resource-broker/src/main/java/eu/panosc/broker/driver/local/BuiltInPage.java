package eu.panosc.broker.driver.local;

import eu.panosc.broker.driver.LaunchSpec;

/** The built-in session page of the local driver: which session this is and which datasets it was opened on. */
final class BuiltInPage {
  private BuiltInPage() {}

  static String html(LaunchSpec spec) {
    StringBuilder b = new StringBuilder(1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>PaNOSC session ")
        .append(escape(spec.session().id())).append("</title></head><body>\n<h1>Analysis session ")
        .append(escape(spec.session().id())).append("</h1>\n<p>Image <b>").append(escape(spec.image().title()))
        .append("</b> on flavour <b>").append(escape(spec.flavour().title())).append("</b> (")
        .append(spec.flavour().resources().cpu()).append(" CPU, ").append(spec.flavour().resources().memoryMi())
        .append(" MiB, ").append(spec.flavour().resources().gpu()).append(" GPU)")
        .append(spec.session().proposal().map(p -> " for proposal <b>" + escape(p) + "</b>").orElse(""))
        .append(".</p>\n<h2>Datasets</h2>\n");
    if (spec.session().datasets().isEmpty()) {
      b.append("<p>No datasets were requested.</p>\n");
    } else {
      b.append("<ul>\n");
      for (String d : spec.session().datasets()) {
        b.append("<li>").append(escape(d)).append("</li>\n");
      }
      b.append("</ul>\n");
    }
    b.append("<p>This built-in page stands in for Jupyter or a remote desktop when no command is configured.</p>\n"
        + "</body></html>\n");
    return b.toString();
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
