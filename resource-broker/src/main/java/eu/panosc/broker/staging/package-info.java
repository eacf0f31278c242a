/**
 * Data staging: when the cluster a session was placed on cannot mount its datasets' storage site, a Kubernetes Job
 * copies them from the facility's data endpoint into the session's scratch volume claim before the session starts
 * (state STAGING). Progress is kept in a {@link eu.panosc.broker.staging.StagingStore} and shown in the session's
 * status. No HTTP types here.
 */
package eu.panosc.broker.staging;
