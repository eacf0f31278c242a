package eu.panosc.accounting.model;

/** Why one field of one record (0-based {@code record} index in the batch) was refused. */
public record RecordError(int record, String field, String reason) {
  /** The JSON pointer of the field within a JSON-array batch, e.g. {@code /3/start}. */
  public String pointer() {
    return "/" + record + (field.isEmpty() ? "" : "/" + field.replace("~", "~0").replace("/", "~1"));
  }
}
