package eu.panosc.benchmarks.http;

import io.vertx.core.buffer.Buffer;

/** Checks one answer: null when it is right, else what is wrong. */
@FunctionalInterface
interface Checker {
  String problem(int status, Buffer body);
}
