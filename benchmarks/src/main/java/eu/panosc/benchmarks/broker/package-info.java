/** Benchmarks of the resource-broker: placement decisions over many clusters. */
package eu.panosc.benchmarks.broker;
