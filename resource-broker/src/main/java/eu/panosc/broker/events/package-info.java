/** State changes of sessions as events: recorded by a store decorator, kept in a bounded buffer, streamed as SSE. */
package eu.panosc.broker.events;
