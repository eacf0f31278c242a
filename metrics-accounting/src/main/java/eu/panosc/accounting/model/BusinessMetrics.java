package eu.panosc.accounting.model;

import java.math.BigDecimal;

/**
 * The business-model counts of a report period (issue 12), the counts exact: users with usage in the period, users
 * first seen in it, sessions overlapping it, and the median length of those sessions in seconds (null without
 * sessions; exact up to 10 000 sessions, else from histograms, within 0.5 %).
 */
public record BusinessMetrics(long activeUsers, long newUsers, long sessions, BigDecimal medianSessionSeconds) {}
