/** The session service (create, list, stop, lifecycle steps) and its reconciler; no HTTP types here. */
package eu.panosc.broker.session;
