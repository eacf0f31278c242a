/** The broker's HTTP API: parse, call the session service, write. */
package eu.panosc.broker.api;
