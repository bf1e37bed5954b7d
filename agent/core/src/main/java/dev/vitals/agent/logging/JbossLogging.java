package dev.vitals.agent.logging;

import java.text.MessageFormat;
import java.util.Collections;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.logging.LoggerProvider;

/**
 * JBoss Logging backend for the core's copies of Undertow, XNIO and JBoss Threads, registered
 * through {@code META-INF/services} inside the private loader.
 *
 * <p>Without it JBoss Logging would probe for a backend and fall back to
 * {@code java.util.logging}, initialising the application's {@code LogManager}. Relocation renames
 * the {@code org.jboss.logging.provider} system property it reads first, so an application's
 * setting cannot redirect our copy either, and we never need to set a global property.
 *
 * <p>Library messages are noise for our users: they are shown one level stricter than ours
 * (warnings only at the default {@code info}). MDC and NDC are not supported; nothing of ours
 * uses them.
 */
public final class JbossLogging implements LoggerProvider {

    @Override
    public Logger getLogger(String name) {
        return new LibraryLogger(name);
    }

    @Override
    public void clearMdc() {
    }

    @Override
    public Object putMdc(String key, Object value) {
        return null;
    }

    @Override
    public Object getMdc(String key) {
        return null;
    }

    @Override
    public void removeMdc(String key) {
    }

    @Override
    public Map<String, Object> getMdcMap() {
        return Collections.emptyMap();
    }

    @Override
    public void clearNdc() {
    }

    @Override
    public String getNdc() {
        return "";
    }

    @Override
    public int getNdcDepth() {
        return 0;
    }

    @Override
    public String popNdc() {
        return "";
    }

    @Override
    public String peekNdc() {
        return "";
    }

    @Override
    public void pushNdc(String message) {
    }

    @Override
    public void setNdcMaxDepth(int maxDepth) {
    }

    private static final class LibraryLogger extends Logger {
        private static final long serialVersionUID = 1L;

        LibraryLogger(String name) {
            super(name);
        }

        @Override
        public boolean isEnabled(Level level) {
            return AgentLog.enabled(map(level));
        }

        @Override
        protected void doLog(Level level, String loggerClassName, Object message, Object[] parameters,
                Throwable thrown) {
            if (!isEnabled(level)) {
                return;
            }
            String text = String.valueOf(message);
            if (parameters != null && parameters.length > 0) {
                try {
                    text = MessageFormat.format(text, parameters);
                } catch (IllegalArgumentException badPattern) {
                    // Keep the raw message: a formatting slip must not lose the line.
                }
            }
            AgentLog.log(map(level), getName() + ": " + text, thrown);
        }

        @Override
        protected void doLogf(Level level, String loggerClassName, String format, Object[] parameters,
                Throwable thrown) {
            if (!isEnabled(level)) {
                return;
            }
            String text = format;
            if (parameters != null && parameters.length > 0) {
                try {
                    text = String.format(format, parameters);
                } catch (IllegalArgumentException badFormat) {
                    // As above.
                }
            }
            AgentLog.log(map(level), getName() + ": " + text, thrown);
        }

        /** Library levels, one step stricter than ours. */
        private static AgentLog.Level map(Level level) {
            switch (level) {
                case FATAL:
                case ERROR:
                    return AgentLog.Level.ERROR;
                case WARN:
                    return AgentLog.Level.INFO;
                default:
                    return AgentLog.Level.DEBUG;
            }
        }
    }
}
