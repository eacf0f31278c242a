package eu.panosc.accounting.export.eosc;

import eu.panosc.accounting.export.BucketUsage;
import eu.panosc.accounting.export.ExportStore;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.report.Period;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;

/**
 * The EOSC export of a period: one record per bucket of the period's granularity (month, day or hour) × facility ×
 * installation × proposal × metric, from the rollups, with the service's ids from the configuration.
 */
public final class EoscExport {
  private final ExportStore store;
  private final EoscSettings settings;

  public EoscExport(ExportStore store, EoscSettings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public EoscSettings settings() {
    return settings;
  }

  public Future<List<EoscRecord>> records(Period period) {
    Granularity g = period.granularity();
    return store.bucketUsage(period.from(), period.to(), g).map(rows -> rows.stream().map(r -> toRecord(r, g))
        .toList());
  }

  EoscRecord toRecord(BucketUsage u, Granularity g) {
    String installationId = settings.installations().get(new EoscSettings.Installation(u.facility(),
        u.installation()));
    return new EoscRecord(u.facility(), u.installation(), u.metric(), installationId,
        settings.metricDefinitions().get(u.metric()), u.bucket(), g.next(u.bucket()), u.value(), u.proposal());
  }
}
