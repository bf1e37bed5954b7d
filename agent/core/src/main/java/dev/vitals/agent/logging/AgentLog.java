package dev.vitals.agent.logging;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * The agent's own log: lines prefixed {@code [vitals]} on stderr, or appended to a file.
 *
 * <p>It never goes through {@code java.util.logging}, SLF4J or Log4j: touching the application's
 * logging would initialise it on our schedule (breaking apps that install their own JUL
 * {@code LogManager}) or mix our lines into theirs. The third-party libraries inside the core log
 * through {@link JbossLogging}, which ends here too.
 *
 * <p>This is the agent's one piece of static state besides the bridge, because the JBoss Logging
 * provider is created by {@code ServiceLoader} and cannot be handed an instance.
 *
 * <p>Concurrency: called from agent threads only (never from advice on application threads);
 * each line is written with one synchronized {@code println}.
 */
public final class AgentLog {

    /** Severity, most severe first. */
    public enum Level {
        ERROR, WARN, INFO, DEBUG;

        /** Parses {@code error|warn|info|debug}, case-insensitive; null if it is none of them. */
        public static Level parse(String text) {
            for (Level level : values()) {
                if (level.name().equalsIgnoreCase(text.trim())) {
                    return level;
                }
            }
            return null;
        }
    }

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream file;

    private AgentLog() {
    }

    /**
     * Sets the threshold and, when {@code logFile} is not null, appends to that file instead of
     * stderr. A file that cannot be opened is reported on stderr and stderr is used.
     */
    public static synchronized void configure(Level level, Path logFile) {
        threshold = level;
        closeFile();
        if (logFile != null) {
            try {
                Path parent = logFile.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                file = new PrintStream(new FileOutputStream(logFile.toFile(), true), true, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                System.err.println("[vitals] cannot write the log file " + logFile + " (" + e.getMessage()
                        + "); logging to stderr");
            }
        }
    }

    /** Stops writing to the log file, if any (detach). */
    public static synchronized void closeFile() {
        PrintStream open = file;
        file = null;
        if (open != null) {
            open.close();
        }
    }

    public static boolean enabled(Level level) {
        return level.ordinal() <= threshold.ordinal();
    }

    public static void error(String message) {
        log(Level.ERROR, message, null);
    }

    public static void error(String message, Throwable thrown) {
        log(Level.ERROR, message, thrown);
    }

    public static void warn(String message) {
        log(Level.WARN, message, null);
    }

    public static void info(String message) {
        log(Level.INFO, message, null);
    }

    public static void debug(String message) {
        log(Level.DEBUG, message, null);
    }

    /**
     * Writes one line that is always shown, whatever the threshold, on stderr even when a log
     * file is configured: the start-up banner users and tools look for.
     */
    public static void banner(String line) {
        System.err.println(line);
        PrintStream out = file;
        if (out != null) {
            out.println(Instant.now() + " " + line);
        }
    }

    public static void log(Level level, String message, Throwable thrown) {
        if (!enabled(level)) {
            return;
        }
        PrintStream out = file;
        String text = level == Level.INFO ? message : level.name().toLowerCase(Locale.ROOT) + ": " + message;
        if (out != null) {
            out.println(Instant.now() + " [vitals] " + text);
            if (thrown != null) {
                thrown.printStackTrace(out);
            }
        } else {
            System.err.println("[vitals] " + text);
            if (thrown != null && enabled(Level.DEBUG)) {
                thrown.printStackTrace();
            }
        }
    }
}
