package eu.panosc.accounting.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.http.ApiException;
import org.junit.jupiter.api.Test;

class ReportEndpointTest {
  @Test
  void wantsCsvWhenCsvNamedThenCsvEvenBesideWildcards() {
    assertThat(ReportEndpoint.wantsCsv("text/csv")).isTrue();
    assertThat(ReportEndpoint.wantsCsv("text/csv, */*;q=0.8")).isTrue();
    assertThat(ReportEndpoint.wantsCsv("text/*")).isTrue();
    assertThat(ReportEndpoint.wantsCsv("application/json;q=0.5, text/csv")).isTrue();
  }

  @Test
  void wantsCsvWhenJsonPreferredOrOnlyWildcardsThenJson() {
    assertThat(ReportEndpoint.wantsCsv(null)).isFalse();
    assertThat(ReportEndpoint.wantsCsv("*/*")).isFalse();
    assertThat(ReportEndpoint.wantsCsv("application/json, text/csv")).isFalse();
    assertThat(ReportEndpoint.wantsCsv("text/csv;q=0, application/json")).isFalse();
  }

  @Test
  void wantsCsvWhenNeitherAcceptableThen406() {
    assertThatThrownBy(() -> ReportEndpoint.wantsCsv("application/xml"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.problem().status()).isEqualTo(406));
    assertThatThrownBy(() -> ReportEndpoint.wantsCsv("text/csv;q=0"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.problem().status()).isEqualTo(406));
  }
}
