package eu.panosc.accounting.store;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The roll-up's set-based statements over one table of additive counters, built from its columns instead of written
 * out per table: the keys, and the addends that a conflicting row adds to its own. Every statement takes one array
 * parameter per column, in column order ({@code $1} the first key), and keeps the order of its input rows
 * ({@code WITH ORDINALITY … ORDER BY o}), so that concurrent writers lock rows in the same order.
 *
 * @param table the table
 * @param keys its key columns (the conflict target), in parameter order
 * @param addends its additive columns, after the keys in parameter order
 */
record DeltaUpsert(String table, List<Column> keys, List<Column> addends) {
  /**
   * A column: its name, the SQL type of its array parameter's elements, and the type it is cast to when stored
   * (null when the same; e.g. numeric sums sent as text).
   */
  record Column(String name, String type, String storedAs) {}

  static Column col(String name, String type) {
    return new Column(name, type, null);
  }

  static Column col(String name, String type, String storedAs) {
    return new Column(name, type, storedAs);
  }

  DeltaUpsert {
    keys = List.copyOf(keys);
    addends = List.copyOf(addends);
  }

  private List<Column> columns() {
    return java.util.stream.Stream.concat(keys.stream(), addends.stream()).toList();
  }

  private static String names(List<Column> cs) {
    return cs.stream().map(Column::name).collect(Collectors.joining(", "));
  }

  private static String arrays(List<Column> cs) {
    return IntStream.range(0, cs.size()).mapToObj(i -> "$" + (i + 1) + "::" + cs.get(i).type() + "[]")
        .collect(Collectors.joining(", "));
  }

  /** The parameter arrays as rows named like the columns, plus their ordinal {@code o}. */
  String input() {
    return "unnest(" + arrays(columns()) + ") WITH ORDINALITY AS t(" + names(columns()) + ", o)";
  }

  /**
   * {@code INSERT … ON CONFLICT DO UPDATE} of the rows of {@code source} (a FROM item with the columns' names and
   * {@code o}, e.g. {@link #input()}): a new key is inserted, a stored one gets the addends added.
   */
  String upsertFrom(String source) {
    String select = columns().stream().map(c -> c.storedAs() == null ? c.name() : c.name() + "::" + c.storedAs())
        .collect(Collectors.joining(", "));
    String set = addends.stream().map(c -> c.name() + " = cur." + c.name() + " + excluded." + c.name())
        .collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " AS cur (" + names(columns()) + ") SELECT " + select + " FROM " + source
        + " ORDER BY o ON CONFLICT (" + names(keys) + ") DO UPDATE SET " + set;
  }

  /** {@link #upsertFrom} the parameter arrays. */
  String upsert() {
    return upsertFrom(input());
  }

  /** Deletes the rows of the given keys (one array per key column) whose {@code refs} reached exactly 0. */
  String leave() {
    return "DELETE FROM " + table + " WHERE refs = 0 AND (" + names(keys) + ") IN (SELECT * FROM unnest("
        + arrays(keys) + "))";
  }
}
