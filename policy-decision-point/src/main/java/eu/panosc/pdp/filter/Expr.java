package eu.panosc.pdp.filter;

import eu.panosc.pdp.store.Relations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A condition over the four dataset attributes a filter may name: {@code facility}, {@code proposal},
 * {@code public} and {@code releaseDate} (the effective release date the PDP derives). The same tree is
 * tested against the PDP's own datasets in a resource search and rendered as SQL or JSON for a
 * catalogue's query.
 */
public sealed interface Expr {
  /** True when the dataset described by {@code facts} satisfies the condition. */
  boolean test(Relations.DatasetFacts facts);

  /** The JSON form (documented in the module README). */
  JsonObject toJson();

  /**
   * The SQL form, appending the placeholders' values to {@code params}: strings, and an {@link Instant}
   * for the release-date comparison.
   */
  String toSql(SqlColumns columns, List<Object> params);

  Expr TRUE = new Const(true);
  Expr FALSE = new Const(false);

  /** {@code true} or {@code false}. */
  record Const(boolean value) implements Expr {
    @Override
    public boolean test(Relations.DatasetFacts facts) {
      return value;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("const", value);
    }

    @Override
    public String toSql(SqlColumns columns, List<Object> params) {
      return value ? "1 = 1" : "1 = 0";
    }
  }

  /** The dataset is public. */
  record IsPublic() implements Expr {
    @Override
    public boolean test(Relations.DatasetFacts facts) {
      return facts.dataset().isPublic();
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("field", "public").put("op", "eq").put("value", true);
    }

    @Override
    public String toSql(SqlColumns columns, List<Object> params) {
      return columns.isPublic() + " IS TRUE";
    }
  }

  /** The dataset's release date is known and not after {@code time}. */
  record Released(Instant time) implements Expr {
    public Released {
      Objects.requireNonNull(time, "time");
    }

    @Override
    public boolean test(Relations.DatasetFacts facts) {
      return facts.releaseDate() != null && !facts.releaseDate().isAfter(time);
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("field", "releaseDate").put("op", "lte")
          .put("value", DateTimeFormatter.ISO_INSTANT.format(time));
    }

    @Override
    public String toSql(SqlColumns columns, List<Object> params) {
      params.add(time);
      return "(" + columns.releaseDate() + " IS NOT NULL AND " + columns.releaseDate() + " <= "
          + columns.placeholder(params.size()) + ")";
    }
  }

  /** An attribute ({@code facility} or {@code proposal}) is one of {@code values}. */
  record In(String field, SortedSet<String> values) implements Expr {
    public In {
      if (!field.equals("facility") && !field.equals("proposal")) {
        throw new IllegalArgumentException("field must be facility or proposal");
      }
      values = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(values));
    }

    public static In of(String field, Set<String> values) {
      return new In(field, new TreeSet<>(values));
    }

    @Override
    public boolean test(Relations.DatasetFacts facts) {
      return values.contains(field.equals("facility") ? facts.dataset().facility() : facts.dataset().proposal());
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("field", field).put("op", "in").put("values", new JsonArray(List.copyOf(values)));
    }

    @Override
    public String toSql(SqlColumns columns, List<Object> params) {
      if (values.isEmpty()) {
        return "1 = 0";
      }
      StringBuilder sql = new StringBuilder(field.equals("facility") ? columns.facility() : columns.proposal());
      sql.append(" IN (");
      boolean first = true;
      for (String v : values) {
        params.add(v);
        sql.append(first ? "" : ", ").append(columns.placeholder(params.size()));
        first = false;
      }
      return sql.append(')').toString();
    }
  }

  /** Negation. */
  record Not(Expr inner) implements Expr {
    @Override
    public boolean test(Relations.DatasetFacts facts) {
      return !inner.test(facts);
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("not", inner.toJson());
    }

    @Override
    public String toSql(SqlColumns columns, List<Object> params) {
      return "NOT " + inner.toSql(columns, params);
    }
  }

  /** Conjunction (never empty). */
  record And(List<Expr> parts) implements Expr {
    public And {
      parts = List.copyOf(parts);
    }

    @Override
    public boolean test(Relations.DatasetFacts facts) {
      for (Expr e : parts) {
        if (!e.test(facts)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public JsonObject toJson() {
      JsonArray a = new JsonArray();
      parts.forEach(p -> a.add(p.toJson()));
      return new JsonObject().put("and", a);
    }

    @Override
    public String toSql(SqlColumns columns, List<Object> params) {
      return join(parts, " AND ", columns, params);
    }
  }

  /** Disjunction (never empty). */
  record Or(List<Expr> parts) implements Expr {
    public Or {
      parts = List.copyOf(parts);
    }

    @Override
    public boolean test(Relations.DatasetFacts facts) {
      for (Expr e : parts) {
        if (e.test(facts)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public JsonObject toJson() {
      JsonArray a = new JsonArray();
      parts.forEach(p -> a.add(p.toJson()));
      return new JsonObject().put("or", a);
    }

    @Override
    public String toSql(SqlColumns columns, List<Object> params) {
      return join(parts, " OR ", columns, params);
    }
  }

  /** {@code a AND b AND ...} with constants folded; an empty list is true. */
  static Expr and(List<Expr> parts) {
    List<Expr> kept = new ArrayList<>();
    for (Expr e : parts) {
      if (e.equals(FALSE)) {
        return FALSE;
      }
      if (!e.equals(TRUE)) {
        kept.add(e);
      }
    }
    return kept.isEmpty() ? TRUE : kept.size() == 1 ? kept.get(0) : new And(kept);
  }

  /** {@code a OR b OR ...} with constants folded; an empty list is false. */
  static Expr or(List<Expr> parts) {
    List<Expr> kept = new ArrayList<>();
    for (Expr e : parts) {
      if (e.equals(TRUE)) {
        return TRUE;
      }
      if (!e.equals(FALSE)) {
        kept.add(e);
      }
    }
    return kept.isEmpty() ? FALSE : kept.size() == 1 ? kept.get(0) : new Or(kept);
  }

  private static String join(List<Expr> parts, String op, SqlColumns columns, List<Object> params) {
    StringBuilder sql = new StringBuilder("(");
    for (int i = 0; i < parts.size(); i++) {
      sql.append(i == 0 ? "" : op).append(parts.get(i).toSql(columns, params));
    }
    return sql.append(')').toString();
  }
}
