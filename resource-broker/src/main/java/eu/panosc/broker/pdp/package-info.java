/** The policy-decision-point as seen by the broker: AuthZEN evaluations over HTTP. */
package eu.panosc.broker.pdp;
