/** Server-side state of logins and logouts in flight, kept once under opaque handles (OIDC and SAML alike). */
package eu.panosc.aai.state;
