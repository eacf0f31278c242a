package eu.panosc.pdp.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A stored batch that cannot be read back is reported with its problem, never thrown. */
class ChangeLogTest {
  @Test
  void entryWhenStoredBatchCannotBeReadThenItsProblemNotAnException() {
    assertThat(ChangeLog.entry(7, "[{\"type\":\"delete\",\"entity\":\"dataset\",\"pid\":\"" + "x".repeat(600) + "\"}]"))
        .satisfies(e -> {
          assertThat(e.changes()).isEmpty();
          assertThat(e.problem()).startsWith("pid: must be 1 to 512 characters");
        });
    assertThat(ChangeLog.entry(8, "[\"not a record\"]").problem()).isEqualTo("[0]: must be an object");
    assertThat(ChangeLog.entry(9, "{").problem()).isNotNull();
    assertThat(ChangeLog.entry(10, "[]").problem()).isNull();
  }
}
