package eu.panosc.benchmarks.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The {@link Checker}s of the two modes: what is wrong with one answer, or null. */
final class AnswerChecks {
  private AnswerChecks() {}

  /**
   * Null when the answer is an AuthZEN decision equal to {@code expect} (for a batch: {@code items}
   * decisions, all equal to it), else what is wrong.
   */
  static String decisionProblem(int status, Buffer b, boolean expect, int items) {
    if (status != 200) {
      return "HTTP " + status + ": " + abbreviate(b.toString());
    }
    try {
      JsonObject json = b.toJsonObject();
      if (json.containsKey("evaluations")) {
        JsonArray answers = json.getJsonArray("evaluations");
        if (answers.size() != items) {
          return answers.size() + " decisions for " + items + " items";
        }
        for (int i = 0; i < answers.size(); i++) {
          if (!Boolean.valueOf(expect).equals(answers.getJsonObject(i).getBoolean("decision"))) {
            return "item " + i + ": decision is not " + expect + ": " + abbreviate(b.toString());
          }
        }
        return null;
      }
      return Boolean.valueOf(expect).equals(json.getBoolean("decision")) ? null
          : "decision is not " + expect + ": " + abbreviate(b.toString());
    } catch (RuntimeException e) {
      return "unreadable answer (" + e + "): " + abbreviate(b.toString());
    }
  }

  /** Null when the answer is a Bearer access token signed ES256, else what is wrong. */
  static String tokenProblem(int status, Buffer b) {
    if (status != 200) {
      return "HTTP " + status + ": " + abbreviate(b.toString());
    }
    try {
      JsonObject json = b.toJsonObject();
      String token = json.getString("access_token");
      if (token == null) {
        return "no access_token: " + abbreviate(b.toString());
      }
      if (!"bearer".equalsIgnoreCase(json.getString("token_type"))) {
        return "token_type is " + json.getString("token_type");
      }
      int dot = token.indexOf('.');
      if (dot <= 0 || token.indexOf('.', dot + 1) < 0) {
        return "access_token is not a compact JWS";
      }
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)),
          StandardCharsets.UTF_8));
      if (!"ES256".equals(header.getString("alg"))) {
        return "JWS alg is " + header.getString("alg") + ", not ES256";
      }
      return null;
    } catch (RuntimeException e) {
      return "unreadable answer (" + e + "): " + abbreviate(b.toString());
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
