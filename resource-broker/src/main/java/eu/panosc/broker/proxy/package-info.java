/**
 * Reaching sessions over HTTP: the authenticating reverse proxy {@code /broker/s/<id>/...} (HTTP and WebSocket),
 * launch links that set its browser cookie, and forward-auth for an Ingress ({@code /broker/v1/auth}).
 */
package eu.panosc.broker.proxy;
