/**
 * JMH benchmarks of the control plane: each class is a scenario table with deterministic data, and every
 * measured call checks its expected answer.
 *
 * @see <a href="https://github.com/openjdk/jmh">JMH</a>
 */
package eu.panosc.benchmarks;
