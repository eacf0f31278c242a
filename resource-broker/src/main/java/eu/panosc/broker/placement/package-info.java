/** Where a session runs: filter, pluggable weighted scorers, deterministic choice with a recorded reason. */
package eu.panosc.broker.placement;
