/** The Kubernetes driver: Pod, Secret and Service per session through Fabric8. */
package eu.panosc.broker.driver.kubernetes;
