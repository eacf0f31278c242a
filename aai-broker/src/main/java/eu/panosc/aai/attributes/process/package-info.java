/**
 * Attribute processors configured per upstream in the spirit of SATOSA's micro-services (value filters with
 * {@code shibmd:Scope} checks, static values, hashing, per-attribute processors) and the required-attributes
 * check.
 */
package eu.panosc.aai.attributes.process;
