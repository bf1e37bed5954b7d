package dev.vitals.it.harness;

/** How the agent gets into the target JVM: a test dimension, see {@link Jvms#startMonitored}. */
public enum LoadPath {
    /** {@code -javaagent:} on the command line; the agent's {@code premain} runs before {@code main}. */
    PREMAIN,
    /** The CLI attaches to a JVM that is already running; the agent's {@code agentmain} runs. */
    ATTACH
}
