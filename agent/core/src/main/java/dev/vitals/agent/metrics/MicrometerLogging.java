package dev.vitals.agent.metrics;

import dev.vitals.agent.logging.AgentLog;
import io.micrometer.common.util.internal.logging.InternalLogLevel;
import io.micrometer.common.util.internal.logging.InternalLogger;
import io.micrometer.common.util.internal.logging.InternalLoggerFactory;

/**
 * Micrometer's logging backend inside the agent: every Micrometer log line ends in
 * {@link AgentLog}.
 *
 * <p>Without it, the first Micrometer class with a logger ({@code MeterRegistry} has one in a
 * static field) would look for SLF4J, not find it in our loader, and fall back to
 * {@code java.util.logging}, initialising the application's {@code LogManager} on our schedule.
 * {@link #install()} sets the default factory of our relocated copy of Micrometer, which no class
 * outside the agent's loader can see: it changes nothing for the application's own Micrometer.
 *
 * <p>Levels: Micrometer's warnings and errors (a meter that could not be registered, which would
 * be a bug of ours) are ours too; its info and below are debug.
 */
final class MicrometerLogging extends InternalLoggerFactory {

    private static final MicrometerLogging INSTANCE = new MicrometerLogging();

    private MicrometerLogging() {
    }

    /**
     * Makes Micrometer log through {@link AgentLog}. Must run before any Micrometer class that
     * holds a logger is initialised; idempotent.
     */
    static void install() {
        // Never getDefaultFactory() first: when none is set, that call creates the JUL one.
        InternalLoggerFactory.setDefaultFactory(INSTANCE);
    }

    @Override
    protected InternalLogger newInstance(String name) {
        return new Logger(name);
    }

    /** One named Micrometer logger; every call ends in {@link #log(InternalLogLevel, String, Throwable)}. */
    private static final class Logger implements InternalLogger {

        private final String name;

        Logger(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isEnabled(InternalLogLevel level) {
            return level != InternalLogLevel.TRACE && AgentLog.enabled(map(level));
        }

        @Override
        public void log(InternalLogLevel level, String message) {
            log(level, message, (Throwable) null);
        }

        @Override
        public void log(InternalLogLevel level, String format, Object argument) {
            log(level, format, new Object[] {argument});
        }

        @Override
        public void log(InternalLogLevel level, String format, Object first, Object second) {
            log(level, format, new Object[] {first, second});
        }

        @Override
        public void log(InternalLogLevel level, String format, Object... arguments) {
            if (!isEnabled(level)) {
                return;
            }
            // SLF4J's convention, which Micrometer follows: a trailing Throwable is the cause.
            Throwable thrown = arguments != null && arguments.length > 0
                    && arguments[arguments.length - 1] instanceof Throwable t ? t : null;
            log(level, substitute(format, arguments), thrown);
        }

        @Override
        public void log(InternalLogLevel level, Throwable thrown) {
            log(level, String.valueOf(thrown), thrown);
        }

        @Override
        public void log(InternalLogLevel level, String message, Throwable thrown) {
            if (isEnabled(level)) {
                AgentLog.log(map(level), "micrometer " + name + ": " + message, thrown);
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return isEnabled(InternalLogLevel.TRACE);
        }

        @Override
        public void trace(String message) {
            log(InternalLogLevel.TRACE, message);
        }

        @Override
        public void trace(String format, Object argument) {
            log(InternalLogLevel.TRACE, format, argument);
        }

        @Override
        public void trace(String format, Object first, Object second) {
            log(InternalLogLevel.TRACE, format, first, second);
        }

        @Override
        public void trace(String format, Object... arguments) {
            log(InternalLogLevel.TRACE, format, arguments);
        }

        @Override
        public void trace(String message, Throwable thrown) {
            log(InternalLogLevel.TRACE, message, thrown);
        }

        @Override
        public void trace(Throwable thrown) {
            log(InternalLogLevel.TRACE, thrown);
        }

        @Override
        public boolean isDebugEnabled() {
            return isEnabled(InternalLogLevel.DEBUG);
        }

        @Override
        public void debug(String message) {
            log(InternalLogLevel.DEBUG, message);
        }

        @Override
        public void debug(String format, Object argument) {
            log(InternalLogLevel.DEBUG, format, argument);
        }

        @Override
        public void debug(String format, Object first, Object second) {
            log(InternalLogLevel.DEBUG, format, first, second);
        }

        @Override
        public void debug(String format, Object... arguments) {
            log(InternalLogLevel.DEBUG, format, arguments);
        }

        @Override
        public void debug(String message, Throwable thrown) {
            log(InternalLogLevel.DEBUG, message, thrown);
        }

        @Override
        public void debug(Throwable thrown) {
            log(InternalLogLevel.DEBUG, thrown);
        }

        @Override
        public boolean isInfoEnabled() {
            return isEnabled(InternalLogLevel.INFO);
        }

        @Override
        public void info(String message) {
            log(InternalLogLevel.INFO, message);
        }

        @Override
        public void info(String format, Object argument) {
            log(InternalLogLevel.INFO, format, argument);
        }

        @Override
        public void info(String format, Object first, Object second) {
            log(InternalLogLevel.INFO, format, first, second);
        }

        @Override
        public void info(String format, Object... arguments) {
            log(InternalLogLevel.INFO, format, arguments);
        }

        @Override
        public void info(String message, Throwable thrown) {
            log(InternalLogLevel.INFO, message, thrown);
        }

        @Override
        public void info(Throwable thrown) {
            log(InternalLogLevel.INFO, thrown);
        }

        @Override
        public boolean isWarnEnabled() {
            return isEnabled(InternalLogLevel.WARN);
        }

        @Override
        public void warn(String message) {
            log(InternalLogLevel.WARN, message);
        }

        @Override
        public void warn(String format, Object argument) {
            log(InternalLogLevel.WARN, format, argument);
        }

        @Override
        public void warn(String format, Object first, Object second) {
            log(InternalLogLevel.WARN, format, first, second);
        }

        @Override
        public void warn(String format, Object... arguments) {
            log(InternalLogLevel.WARN, format, arguments);
        }

        @Override
        public void warn(String message, Throwable thrown) {
            log(InternalLogLevel.WARN, message, thrown);
        }

        @Override
        public void warn(Throwable thrown) {
            log(InternalLogLevel.WARN, thrown);
        }

        @Override
        public boolean isErrorEnabled() {
            return isEnabled(InternalLogLevel.ERROR);
        }

        @Override
        public void error(String message) {
            log(InternalLogLevel.ERROR, message);
        }

        @Override
        public void error(String format, Object argument) {
            log(InternalLogLevel.ERROR, format, argument);
        }

        @Override
        public void error(String format, Object first, Object second) {
            log(InternalLogLevel.ERROR, format, first, second);
        }

        @Override
        public void error(String format, Object... arguments) {
            log(InternalLogLevel.ERROR, format, arguments);
        }

        @Override
        public void error(String message, Throwable thrown) {
            log(InternalLogLevel.ERROR, message, thrown);
        }

        @Override
        public void error(Throwable thrown) {
            log(InternalLogLevel.ERROR, thrown);
        }

        /** Replaces each {@code {}} with the next argument, as SLF4J does (no escapes: Micrometer uses none). */
        private static String substitute(String format, Object[] arguments) {
            if (format == null || arguments == null || arguments.length == 0) {
                return String.valueOf(format);
            }
            StringBuilder text = new StringBuilder(format.length() + 32);
            int from = 0;
            for (Object argument : arguments) {
                int at = format.indexOf("{}", from);
                if (at < 0) {
                    break;
                }
                text.append(format, from, at).append(argument);
                from = at + 2;
            }
            return text.append(format, from, format.length()).toString();
        }

        private static AgentLog.Level map(InternalLogLevel level) {
            switch (level) {
                case ERROR:
                    return AgentLog.Level.ERROR;
                case WARN:
                    return AgentLog.Level.WARN;
                default:
                    return AgentLog.Level.DEBUG;
            }
        }
    }
}
