/** The HTTP API of sharing, invitations, access logs and extending a session: parse, call the service, write. */
package eu.panosc.broker.share;
