package eu.panosc.accounting.report;

import java.util.List;

/**
 * RFC 4180 CSV: fields holding a comma, quote, CR or LF are quoted (quotes doubled), lines end in CRLF. A text
 * cell starting with {@code = + - @} (or tab, CR) gets a leading apostrophe so that a spreadsheet shows it as
 * text instead of evaluating a formula (OWASP "CSV injection").
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc4180">RFC 4180</a>
 */
public final class Csv {
  private Csv() {}

  /** One record of text cells, each neutralised and quoted as needed, ending in CRLF. */
  public static String line(List<String> cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(cell(cells.get(i)));
    }
    return sb.append("\r\n").toString();
  }

  static String cell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String v = value;
    char c = v.charAt(0);
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
      v = "'" + v;
    }
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }
}
