package eu.panosc.platform.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.input.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RouteRuleTest {
  private static final List<RouteRule> SCICAT = List.of(
      RouteRule.parse("/routeRules/0", List.of(), "/api/v3/health", null, null, null, true),
      RouteRule.parse("/routeRules/1", List.of("GET", "HEAD"), "/api/v3/datasets/{pid}", "read", "dataset", "{pid}",
          false),
      RouteRule.parse("/routeRules/2", List.of("GET"), "/api/v3/datasets/{pid}/files/{path+}", "download", "dataset",
          "{pid}", false),
      RouteRule.parse("/routeRules/3", List.of("POST"), "/api/v3/datasets", "ingest", "facility", "esrf", false),
      RouteRule.parse("/routeRules/4", List.of("GET"), "/api/v3/proposals/{facility}/{number}", "read", "proposal",
          "{facility}:{number}", false));

  /** method, raw path, expected rule index (-1: no rule), expected resource id. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "GET  | /api/v3/health                                    | 0  | null",
      "POST | /api/v3/health                                    | 0  | null",
      "GET  | /api/v3/datasets/ds-1                             | 1  | ds-1",
      "head | /api/v3/datasets/ds-1                             | 1  | ds-1",
      "GET  | /api/v3/datasets/10.15151%2FESRF-DC-2415001       | 1  | 10.15151/ESRF-DC-2415001",
      "GET  | /api/v3/datasets/a+b                              | 1  | a+b",
      "DELETE | /api/v3/datasets/ds-1                           | -1 | null",
      "GET  | /api/v3/datasets/ds-1/                            | -1 | null",
      "GET  | /api/v3/datasets/                                 | -1 | null",
      "GET  | /api/v3/datasets                                  | -1 | null",
      "POST | /api/v3/datasets                                  | 3  | esrf",
      "GET  | /api/v3/datasets/ds-1/files/raw/scan-1.h5         | 2  | ds-1",
      "GET  | /api/v3/datasets/ds-1/files                       | -1 | null",
      "GET  | /api/v3/datasets/ds-1/files/a/../b                | -1 | null",
      "GET  | /api/v3/datasets/..                               | -1 | null",
      "GET  | /api/v3/datasets/%2E%2E                           | -1 | null",
      "GET  | /api/v3/datasets/%00                              | -1 | null",
      "GET  | /api/v3/datasets/%zz                              | -1 | null",
      "GET  | /api/v3/datasets/%C3%28                           | -1 | null",
      "GET  | /api/v3//datasets/ds-1                            | -1 | null",
      "GET  | /api/v3/proposals/esrf/MX-2415                    | 4  | esrf:MX-2415",
      "GET  | /API/v3/datasets/ds-1                             | -1 | null",
      "GET  | api/v3/datasets/ds-1                              | -1 | null",
      "GET  | /                                                 | -1 | null",
  })
  void matchesTheFirstRule(String method, String path, int rule, String resourceId) {
    var m = RouteRule.first(SCICAT, method, path);
    if (rule < 0) {
      assertThat(m).as("%s %s", method, path).isEmpty();
      return;
    }
    assertThat(m).as("%s %s", method, path).isPresent();
    assertThat(m.get().rule()).isSameAs(SCICAT.get(rule));
    assertThat(m.get().resourceId()).isEqualTo(resourceId);
  }

  @Test
  void filesRuleTakesTheRestOfThePath() {
    var m = RouteRule.first(SCICAT, "GET", "/api/v3/datasets/ds-1/files/raw/scan%201.h5").orElseThrow();
    assertThat(m.variables()).isEqualTo(Map.of("pid", "ds-1", "path", "raw/scan 1.h5"));
    assertThat(m.rule().variables()).containsExactly("pid", "path");
  }

  @Test
  void rootTemplateMatchesOnlyRoot() {
    RouteRule root = RouteRule.parse("/r", List.of(), "/", null, null, null, true);
    assertThat(root.match("GET", "/")).contains(Map.of());
    assertThat(root.match("GET", "/x")).isEmpty();
  }

  /** field, reason fragment, methods (comma list), path, action, type, id, public. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "/r/path        | is required                 | GET | null                  | read | dataset | x     | false",
      "/r/path        | must start with /           | GET | api/x                 | read | dataset | x     | false",
      "/r/path        | query or fragment           | GET | /a?x=1                | read | dataset | x     | false",
      "/r/path        | must not end with /         | GET | /a/                   | read | dataset | x     | false",
      "/r/path        | empty segment               | GET | /a//b                 | read | dataset | x     | false",
      "/r/path        | must be the last segment    | GET | /a/{p+}/b             | read | dataset | {p}   | false",
      "/r/path        | appears twice               | GET | /a/{p}/{p}            | read | dataset | {p}   | false",
      "/r/path        | letters, digits             | GET | /a/{p-q}              | read | dataset | x     | false",
      "/r/path        | literal characters          | GET | /a/x{p}               | read | dataset | x     | false",
      "/r/path        | literal characters          | GET | /a/..                 | read | dataset | x     | false",
      "/r/methods/0   | upper-case HTTP method      | get | /a                    | read | dataset | x     | false",
      "/r/action      | is required unless          | GET | /a/{p}                | null | dataset | {p}   | false",
      "/r/resource/type | is required unless        | GET | /a/{p}                | read | null    | {p}   | false",
      "/r/resource/id | is required unless          | GET | /a/{p}                | read | dataset | null  | false",
      "/r/resource/id | not a variable of the path  | GET | /a/{p}                | read | dataset | {pid} | false",
      "/r/resource/id | unbalanced                  | GET | /a/{p}                | read | dataset | {p    | false",
  })
  void refusesBadRules(String field, String reason, String methods, String path, String action, String type,
      String id, boolean isPublic) {
    assertThatThrownBy(() -> RouteRule.parse("/r", List.of(methods.split(",")), path, action, type, id, isPublic))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.reason()).contains(reason);
        });
  }

  @Test
  void refusesControlCharactersAndOversizedTemplates() {
    assertThatThrownBy(() -> RouteRule.parse("/r", List.of(), "/a/\u0000", "read", "dataset", "x", false))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/r/path"));
    assertThatThrownBy(() -> RouteRule.parse("/r", List.of(), "/" + "a/".repeat(40) + "b", "read", "dataset", "x",
        false)).isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.reason()).contains("at most 32 segments"));
    assertThatThrownBy(() -> RouteRule.parse("/r", List.of(), "/" + "a".repeat(600), "read", "dataset", "x",
        false)).isInstanceOf(InvalidInputException.class);
  }
}
