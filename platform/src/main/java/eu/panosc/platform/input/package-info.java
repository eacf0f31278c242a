/** The one input rule of every service: identifiers, text, dates and numbers that can be stored and read back. */
package eu.panosc.platform.input;
