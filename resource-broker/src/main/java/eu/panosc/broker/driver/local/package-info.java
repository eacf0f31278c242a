/** The local process driver: sessions as processes (or a built-in page) on this machine. */
package eu.panosc.broker.driver.local;
