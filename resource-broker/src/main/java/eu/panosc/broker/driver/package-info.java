/** The drivers that run sessions on clusters: one interface, a Kubernetes (Fabric8) and a local process driver. */
package eu.panosc.broker.driver;
