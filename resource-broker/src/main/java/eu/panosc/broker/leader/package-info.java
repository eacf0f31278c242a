/** Leader election among broker replicas on Kubernetes: a Fabric8 {@code LeaderElector} holding a Lease. */
package eu.panosc.broker.leader;
