package eu.panosc.accounting.model;

import java.math.BigDecimal;

/**
 * The business-model counts of a report period (issue 12), each exact: users with usage in the period, users first
 * seen in it, sessions overlapping it, and the median length of those sessions in seconds (null without sessions).
 */
public record BusinessMetrics(long activeUsers, long newUsers, long sessions, BigDecimal medianSessionSeconds) {}
