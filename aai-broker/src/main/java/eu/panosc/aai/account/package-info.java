/**
 * The account page at {@code /aai/account}: a signed-in person's linked identities (link a second upstream identity
 * after signing in there and confirming; unlink), active sessions (sign out each) and consents (revoke). Linking is
 * stored in {@link eu.panosc.aai.account.Identities}; no HTTP types below
 * {@link eu.panosc.aai.account.AccountEndpoint}.
 */
package eu.panosc.aai.account;
