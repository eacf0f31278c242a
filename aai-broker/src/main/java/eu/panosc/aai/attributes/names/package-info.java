/** SAML attribute names ({@code urn:oid:...}) and the friendly names the internal attribute map uses. */
package eu.panosc.aai.attributes.names;
