package dev.vitals.it.harness;

/** A target JVM and the Vitals agent running in it. */
public record Monitored(JavaProcess process, Vitals vitals) {
}
