package eu.panosc.accounting.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void lineWhenCellsNeedQuotingThenRfc4180() {
    assertThat(Csv.line(Arrays.asList("a", "b,c", "say \"hi\"", null, "x\ny")))
        .isEqualTo("a,\"b,c\",\"say \"\"hi\"\"\",,\"x\ny\"\r\n");
  }

  @Test
  void lineWhenCellStartsLikeAFormulaThenApostropheFirst() {
    assertThat(Csv.line(Arrays.asList("=SUM(A1)", "+1", "-2", "@cmd", "a=b")))
        .isEqualTo("'=SUM(A1),'+1,'-2,'@cmd,a=b\r\n");
    assertThat(Csv.line(Arrays.asList("=HYPERLINK(\"x\",\"y\")")))
        .isEqualTo("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"\r\n");
  }
}
