/** Where sessions and the catalogue are kept: one interface, PostgreSQL and in-memory implementations. */
package eu.panosc.broker.store;
