/** Who a login is: the canonical user id, AARC entitlements and REFEDS assurance, protocol-neutral. */
package eu.panosc.aai.attributes.identity;
