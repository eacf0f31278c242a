package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.Decision;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The AuthZEN decision answers written straight to bytes: {@code {"decision":..,"context":{"id":..,
 * "reason_admin":{"policy":..,"rule":..,"relation":..},"reason_user":{"en":..},"error":{"status":..,"message":..}}}}
 * ({@code policy}, {@code rule} and {@code error} only when set), and {@code {"evaluations":[...]}} of them. The
 * same document a JSON tree would give, without building one per answer: it was about a twentieth of a
 * decision's CPU over HTTP. Strings are escaped per RFC 8259 §7 (quote, backslash and every control character).
 */
final class AnswerJson {
  private AnswerJson() {}

  static Buffer decision(Decision d, String id) {
    StringBuilder out = new StringBuilder(256);
    append(out, d, id);
    return Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  static Buffer evaluations(List<AuthzenDecisions.Answer> answers) {
    StringBuilder out = new StringBuilder(64 + 256 * answers.size());
    out.append("{\"evaluations\":[");
    for (int i = 0; i < answers.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      append(out, answers.get(i).decision(), answers.get(i).id());
    }
    out.append("]}");
    return Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void append(StringBuilder out, Decision d, String id) {
    out.append("{\"decision\":").append(d.permit()).append(",\"context\":{\"id\":");
    string(out, id);
    out.append(",\"reason_admin\":{");
    if (d.policy() != null) {
      out.append("\"policy\":");
      string(out, d.policy());
      out.append(',');
    }
    if (d.rule() != null) {
      out.append("\"rule\":");
      string(out, d.rule());
      out.append(',');
    }
    out.append("\"relation\":");
    string(out, d.relation());
    out.append("},\"reason_user\":{\"en\":");
    string(out, d.reasonUser());
    out.append('}');
    if (d.failed()) {
      out.append(",\"error\":{\"status\":").append(d.errorStatus()).append(",\"message\":");
      string(out, d.errorMessage());
      out.append('}');
    }
    out.append("}}");
  }

  /** A JSON string (or {@code null}). */
  static void string(StringBuilder out, String s) {
    if (s == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
