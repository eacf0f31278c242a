package eu.panosc.accounting.rollup;

import eu.panosc.accounting.model.Granularity;
import java.math.BigDecimal;
import java.time.Instant;

/** The part of a record's value that falls into one bucket. */
public record Share(Granularity granularity, Instant bucket, BigDecimal value) {}
