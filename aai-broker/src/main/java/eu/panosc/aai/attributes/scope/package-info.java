/** The scopes an IdP may assert ({@code shibmd:Scope}) and how scoped values are checked against them. */
package eu.panosc.aai.attributes.scope;
