package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeltaUpsertTest {
  @Test
  void upsertWhenRollupThenKeysFirstInParameterOrderAndAddendsAdded() {
    assertThat(RollupWorker.ROLLUP.upsert()).isEqualTo("INSERT INTO rollup AS cur (granularity, bucket, facility, "
        + "installation, proposal, community, metric, value, late_value, records, late_records) SELECT granularity, "
        + "bucket, facility, installation, proposal, community, metric, value::numeric, late_value::numeric, records, "
        + "late_records FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], "
        + "$7::text[], $8::text[], $9::text[], $10::int8[], $11::int8[]) WITH ORDINALITY AS t(granularity, bucket, "
        + "facility, installation, proposal, community, metric, value, late_value, records, late_records, o) ORDER BY "
        + "o ON CONFLICT (granularity, bucket, facility, installation, proposal, community, metric) DO UPDATE SET "
        + "value = cur.value + excluded.value, late_value = cur.late_value + excluded.late_value, records = "
        + "cur.records + excluded.records, late_records = cur.late_records + excluded.late_records");
  }

  @Test
  void leaveWhenGroupUserThenOnlyKeysAndZeroCounts() {
    assertThat(RollupWorker.GROUP_USER.leave()).isEqualTo("DELETE FROM rollup_group_user WHERE refs = 0 AND (bucket, "
        + "grouping, facility, community, metric, user_id) IN (SELECT * FROM unnest($1::timestamptz[], $2::int2[], "
        + "$3::text[], $4::text[], $5::text[], $6::text[]))");
    assertThat(RollupWorker.USERS.upsert()).contains("ON CONFLICT (granularity, bucket, facility, installation, "
        + "proposal, community, metric, user_id) DO UPDATE SET refs = cur.refs + excluded.refs")
        .contains("$8::text[], $9::int8[]");
  }
}
