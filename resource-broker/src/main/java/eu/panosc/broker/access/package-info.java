/**
 * Who may reach a running session, and how: the owner, or a user it is shared with (each shared access checked by
 * the PDP and logged); sharing, invitation links and revocation; extending a session's lifetime. No HTTP types here.
 */
package eu.panosc.broker.access;
