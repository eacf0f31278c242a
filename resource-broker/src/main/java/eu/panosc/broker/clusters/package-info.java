/**
 * Where sessions can run: the live directory of clusters and their drivers ({@link ClusterDirectory}), fed by the
 * configuration and by the federation-registry ({@link RegistryClusters}: approved {@code clusters} members, kept
 * fresh through the registry's change feed, their {@code credentialsRef} resolved here by
 * {@link CredentialsResolver}, never stored in the registry). No HTTP types of our own API here.
 */
package eu.panosc.broker.clusters;
