package eu.panosc.accounting.model;

/**
 * What one committed batch did: {@code accepted} new records, {@code replaced} cumulative records superseded by a
 * newer one, {@code duplicates} (same key already stored, or repeated in the batch: not counted again),
 * {@code stale} cumulative records older than the stored one (ignored), {@code late}: of the accepted and replacing records, those that ended
 * more than the late horizon before their arrival.
 */
public record IngestOutcome(int received, int accepted, int replaced, int duplicates, int stale, int late) {}
