package eu.panosc.accounting.model;

import java.util.List;

/** A batch refused whole because of the listed record errors (no HTTP type: the endpoint renders it). */
public final class InvalidBatchException extends RuntimeException {
  private final transient List<RecordError> errors;

  public InvalidBatchException(String message, List<RecordError> errors) {
    super(message, null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<RecordError> errors() {
    return errors;
  }
}
