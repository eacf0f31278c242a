/**
 * Usage records for metrics-accounting through a transactional outbox: the {@link eu.panosc.broker.usage.UsageMeter}
 * turns each session's time on its cluster into records (core-hours, GPU-hours, memory-GiB-hours, staged data, one
 * per session started), written in the same transaction as the session's accounted-until mark, with stable
 * idempotency keys; {@link eu.panosc.broker.usage.UsageDelivery} sends them with retry and backoff until accounting
 * acknowledges them. No HTTP types of our own API here.
 */
package eu.panosc.broker.usage;
