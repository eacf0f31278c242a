/** Shared service runtime: bootstrap, configuration, errors, health, metrics, database, bearer-token auth. */
package eu.panosc.platform;
