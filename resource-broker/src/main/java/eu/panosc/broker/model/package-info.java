/** The broker's values: flavours, images, clusters, sessions and their lifecycle, limits and quotas. */
package eu.panosc.broker.model;
