package eu.panosc.accounting.store;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.ReportQuery;
import io.vertx.core.Future;

/**
 * The business-model counts kept beside the rollups. Implementations maintain what they read in the same
 * transaction as the records (see {@link AccountingStore#ingest}), so the counts are exact and never read the
 * records themselves: a report's time does not grow with the number of records.
 */
public interface BusinessMetricsStore {
  /**
   * The counts of the query's period and filters (its grouping is ignored): active users (distinct users with usage
   * of the query's metrics), new users (first seen in the period within the filtered dimensions), sessions
   * overlapping the period and their exact median length.
   */
  Future<BusinessMetrics> businessMetrics(ReportQuery query);
}
