/**
 * Leader election for singletons (periodic jobs that should run once per federation, not once per replica): a
 * {@link eu.panosc.platform.leader.LeaderLock} held through a Kubernetes Lease or a PostgreSQL advisory lock, and
 * {@link eu.panosc.platform.leader.Singleton}, which runs a job only while this replica leads, logs each change of
 * leadership once and reports it as {@code panosc_platform_leader{service,singleton}}. Depends on {@code config} only.
 */
package eu.panosc.platform.leader;
