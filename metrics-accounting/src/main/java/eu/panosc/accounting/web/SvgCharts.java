package eu.panosc.accounting.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Server-rendered SVG charts, no script: each chart is an {@code <svg role="img">} labelled by its {@code <title>}
 * and {@code <desc>} (the values as text, for screen readers), each bar a group with its own {@code <title>}
 * (shown on hover) and {@code data-label} / {@code data-value} attributes. Every text is escaped.
 */
final class SvgCharts {
  private static final int WIDTH = 720;
  private static final int LABEL = 200;
  private static final int ROW = 26;
  private static final int HEIGHT = 240;

  /** One bar: its label, its value and an optional note shown after the value (e.g. a percentage). */
  record Bar(String label, BigDecimal value, String note) {}

  private SvgCharts() {}

  /** Horizontal bars, one row per item, longest first as given. */
  static String bars(String id, String title, List<Bar> bars) {
    int height = Math.max(1, bars.size()) * ROW + 10;
    BigDecimal max = max(bars);
    StringBuilder sb = open(id, title, bars, WIDTH, height);
    if (bars.isEmpty()) {
      sb.append("<text x=\"10\" y=\"22\" class=\"empty\">No usage in this period.</text>");
    }
    int y = 5;
    for (Bar b : bars) {
      int w = scale(b.value(), max, WIDTH - LABEL - 170);
      sb.append("<g class=\"bar\" data-label=\"").append(Html.esc(b.label())).append("\" data-value=\"")
          .append(b.value().toPlainString()).append("\"><title>").append(Html.esc(text(b))).append("</title>")
          .append("<text x=\"").append(LABEL - 8).append("\" y=\"").append(y + 17)
          .append("\" text-anchor=\"end\">").append(Html.esc(shorten(b.label()))).append("</text>")
          .append("<rect x=\"").append(LABEL).append("\" y=\"").append(y + 3).append("\" width=\"").append(w)
          .append("\" height=\"").append(ROW - 8).append("\" fill=\"#2b6cb0\"></rect>")
          .append("<text x=\"").append(LABEL + w + 6).append("\" y=\"").append(y + 17).append("\">")
          .append(Html.esc(value(b))).append("</text></g>");
      y += ROW;
    }
    return sb.append("</svg>").toString();
  }

  /** Vertical columns, one per time bucket, in time order; every n-th bucket is labelled on the axis. */
  static String columns(String id, String title, List<Bar> bars) {
    int plot = HEIGHT - 40;
    BigDecimal max = max(bars);
    StringBuilder sb = open(id, title, bars, WIDTH, HEIGHT);
    if (bars.isEmpty()) {
      sb.append("<text x=\"10\" y=\"22\" class=\"empty\">No buckets in this period.</text>");
    }
    double step = bars.isEmpty() ? 0 : (double) (WIDTH - 60) / bars.size();
    int every = Math.max(1, (int) Math.ceil(bars.size() / 8.0));
    sb.append("<text x=\"4\" y=\"14\" class=\"axis\">").append(Html.esc(max.toPlainString())).append("</text>")
        .append("<line x1=\"50\" y1=\"").append(plot + 5).append("\" x2=\"").append(WIDTH).append("\" y2=\"")
        .append(plot + 5).append("\" stroke=\"#555\"></line>");
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      int h = scale(b.value(), max, plot - 10);
      long x = Math.round(55 + i * step);
      long w = Math.max(1, Math.round(step * 0.8));
      sb.append("<g class=\"bar\" data-label=\"").append(Html.esc(b.label())).append("\" data-value=\"")
          .append(b.value().toPlainString()).append("\"><title>").append(Html.esc(text(b))).append("</title>")
          .append("<rect x=\"").append(x).append("\" y=\"").append(plot + 5 - h).append("\" width=\"").append(w)
          .append("\" height=\"").append(h).append("\" fill=\"#2f855a\"></rect></g>");
      if (i % every == 0) {
        sb.append("<text x=\"").append(x).append("\" y=\"").append(plot + 22).append("\" class=\"axis\">")
            .append(Html.esc(b.label())).append("</text>");
      }
    }
    return sb.append("</svg>").toString();
  }

  private static StringBuilder open(String id, String title, List<Bar> bars, int width, int height) {
    String desc = bars.isEmpty() ? "No data." : bars.stream().map(SvgCharts::text).collect(Collectors.joining("; "));
    return new StringBuilder().append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(Html.esc(id))
        .append("\" role=\"img\" aria-labelledby=\"").append(Html.esc(id)).append("-title ").append(Html.esc(id))
        .append("-desc\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\"><title id=\"").append(Html.esc(id)).append("-title\">")
        .append(Html.esc(title)).append("</title><desc id=\"").append(Html.esc(id)).append("-desc\">")
        .append(Html.esc(desc)).append("</desc>");
  }

  private static String text(Bar b) {
    return b.label() + ": " + value(b);
  }

  private static String value(Bar b) {
    return b.value().toPlainString() + (b.note() == null ? "" : " (" + b.note() + ")");
  }

  private static String shorten(String label) {
    return label.length() <= 28 ? label : label.substring(0, 27) + "\u2026";
  }

  private static BigDecimal max(List<Bar> bars) {
    return bars.stream().map(Bar::value).reduce(BigDecimal.ZERO, BigDecimal::max);
  }

  private static int scale(BigDecimal value, BigDecimal max, int span) {
    if (max.signum() == 0) {
      return 0;
    }
    return value.multiply(BigDecimal.valueOf(span)).divide(max, 0, RoundingMode.HALF_UP).intValue();
  }
}
