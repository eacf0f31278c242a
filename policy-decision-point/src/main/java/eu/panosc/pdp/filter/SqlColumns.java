package eu.panosc.pdp.filter;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a catalogue names the four attributes in its own query, and its placeholder style: {@code ?}
 * (JDBC, the default) or {@code $n} (PostgreSQL). Column names are identifiers, optionally qualified
 * ({@code d.release_date}); anything else is refused, so a filter can never carry injected SQL.
 */
public record SqlColumns(String facility, String proposal, String isPublic, String releaseDate, boolean dollar) {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
  public static final SqlColumns DEFAULT = new SqlColumns("facility", "proposal", "public", "release_date", false);

  public SqlColumns {
    for (String c : new String[] {facility, proposal, isPublic, releaseDate}) {
      if (c == null || !IDENTIFIER.matcher(c).matches()) {
        throw new IllegalArgumentException("a column must be an SQL identifier (letters, digits, _; optionally "
            + "qualified as table.column)");
      }
    }
  }

  /**
   * The defaults overridden by {@code given} (keys {@code facility}, {@code proposal}, {@code public},
   * {@code releaseDate}); an unknown key or a value that is not an identifier is refused.
   */
  public static SqlColumns of(Map<String, String> given, boolean dollar) {
    Objects.requireNonNull(given, "given");
    for (String k : given.keySet()) {
      if (!k.equals("facility") && !k.equals("proposal") && !k.equals("public") && !k.equals("releaseDate")) {
        throw new IllegalArgumentException("unknown column '" + k + "' (expected facility, proposal, public, "
            + "releaseDate)");
      }
    }
    return new SqlColumns(given.getOrDefault("facility", DEFAULT.facility),
        given.getOrDefault("proposal", DEFAULT.proposal), given.getOrDefault("public", DEFAULT.isPublic),
        given.getOrDefault("releaseDate", DEFAULT.releaseDate), dollar);
  }

  /** The placeholder of the {@code n}-th parameter (1-based). */
  String placeholder(int n) {
    return dollar ? "$" + n : "?";
  }
}
