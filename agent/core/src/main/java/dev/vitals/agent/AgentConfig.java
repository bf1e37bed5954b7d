package dev.vitals.agent;

import dev.vitals.agent.caffeine.CacheNames;
import dev.vitals.agent.logging.AgentLog;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's configuration, read once at start and validated.
 *
 * <p>Precedence, highest first: agent arguments ({@code -javaagent:vitals-agent.jar=port=0,token=x},
 * comma-separated), system properties ({@code -Dvitals.port=0}), environment variables
 * ({@code VITALS_PORT}, dots as underscores), the properties file named by {@code config}, then
 * the defaults. {@code config} itself is read from the first three only.
 *
 * <p>Bad input never stops the agent, let alone the application: an invalid value is reported
 * as a warning naming the key, the value, where it came from and what is accepted, and the
 * default is used; an unknown key is reported with the list of known ones. {@link #warnings()}
 * keeps those messages for the API.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class AgentConfig {

    /** Where a value came from, in precedence order. */
    public enum Source {
        ARGUMENT, SYSTEM_PROPERTY, ENVIRONMENT, FILE, DEFAULT;

        /** The name used in the API ({@code system_property}). */
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One effective setting: its text as given (or the default) and where it came from. */
    public record Setting(String key, String text, Source source) {
    }

    /** A value the agent cannot use; the message says what is accepted. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String accepted) {
            super(accepted, null, false, false);
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text) throws Invalid;
    }

    /** A key: its default (computed from the other settings where needed) and its parser. */
    private record Key<T>(String name, Function<Map<String, Object>, String> defaultText, Parser<T> parser) {
    }

    private static final int MAX_TOKEN_LENGTH = 512;
    private static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    static final String PORT = "port";
    static final String BIND = "bind";
    static final String TOKEN = "token";
    static final String APP_NAME_KEY = "app.name";
    static final String STATE_DIR = "state.dir";
    static final String CONFIG = "config";
    static final String LOG_FILE = "log.file";
    static final String LOG_LEVEL = "log.level";
    static final String SQL_MAX_STATEMENTS = "sql.max_statements";
    static final String SQL_SLOW_THRESHOLD = "sql.slow_threshold";
    static final String CACHES_NAMES = "caches.names";
    static final String SAMPLE_INTERVAL = "sample.interval";
    static final String SCORE_WINDOW = "score.window";
    static final String HISTORY_MAX_MB = "history.max_mb";
    static final String METRICS_AUTH = "metrics.auth";

    /** Bounds of {@code sql.max_statements}: each key costs about 6 KB of heap. */
    static final int MIN_SQL_STATEMENTS = 10;
    static final int MAX_SQL_STATEMENTS = 100_000;

    /** Bounds of {@code sample.interval}: below a second the sampler would cost more than it tells. */
    static final Duration MIN_SAMPLE_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_SAMPLE_INTERVAL = Duration.ofHours(1);
    /** Bounds of {@code score.window}; the sampler keeps one interval's deltas per sample in it. */
    static final Duration MIN_SCORE_WINDOW = Duration.ofSeconds(10);
    static final Duration MAX_SCORE_WINDOW = Duration.ofHours(1);
    /** Bounds of {@code history.max_mb}. */
    static final int MIN_HISTORY_MB = 1;
    static final int MAX_HISTORY_MB = 10_240;

    /** Every key, in the order they are resolved (state.dir's default needs app.name). */
    private static final List<Key<?>> KEYS = List.of(
            new Key<>(PORT, any -> "9797", AgentConfig::parsePort),
            new Key<>(BIND, any -> "127.0.0.1", AgentConfig::parseBind),
            new Key<>(TOKEN, any -> "", AgentConfig::parseToken),
            new Key<>(APP_NAME_KEY, any -> null, AgentConfig::parseAppName),
            new Key<>(STATE_DIR, resolved -> null, AgentConfig::parsePath),
            new Key<>(LOG_FILE, any -> "", AgentConfig::parseOptionalPath),
            new Key<>(LOG_LEVEL, any -> "info", AgentConfig::parseLevel),
            new Key<>(SQL_MAX_STATEMENTS, any -> "1000", AgentConfig::parseSqlMaxStatements),
            new Key<>(SQL_SLOW_THRESHOLD, any -> "1s", AgentConfig::parsePositiveDuration),
            new Key<>(CACHES_NAMES, any -> "", AgentConfig::parseCacheNames),
            new Key<>(SAMPLE_INTERVAL, any -> "10s",
                    text -> parseBoundedDuration(text, MIN_SAMPLE_INTERVAL, MAX_SAMPLE_INTERVAL, "1s", "1h")),
            new Key<>(SCORE_WINDOW, any -> "5m",
                    text -> parseBoundedDuration(text, MIN_SCORE_WINDOW, MAX_SCORE_WINDOW, "10s", "1h")),
            new Key<>(HISTORY_MAX_MB, any -> "50", AgentConfig::parseHistoryMaxMb),
            new Key<>(METRICS_AUTH, any -> "token", AgentConfig::parseMetricsAuth));

    private final Map<String, Object> values;
    private final Map<String, Setting> settings;
    private final List<String> warnings;

    private AgentConfig(Map<String, Object> values, Map<String, Setting> settings, List<String> warnings) {
        this.values = Collections.unmodifiableMap(values);
        this.settings = Collections.unmodifiableMap(settings);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Reads the configuration from this JVM: the given agent arguments, its system properties
     * and environment, and the properties file they name.
     */
    public static AgentConfig fromJvm(String agentArguments) {
        Map<String, String> properties = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        return load(agentArguments, properties, System.getenv(),
                defaultAppName(System.getProperty("sun.java.command")),
                Path.of(System.getProperty("user.home", ".")));
    }

    /**
     * Builds the configuration from explicit inputs (what {@link #fromJvm} passes; tests pass
     * their own).
     *
     * @param defaultAppName the application name to use when none is configured
     * @param userHome the folder under which the default state directory lives
     */
    public static AgentConfig load(String agentArguments, Map<String, String> systemProperties,
            Map<String, String> environment, String defaultAppName, Path userHome) {
        List<String> warnings = new ArrayList<>();
        Map<String, String> arguments = parseArguments(agentArguments, warnings);
        Map<String, Map<String, String>> layers = new LinkedHashMap<>();
        layers.put(Source.ARGUMENT.name(), arguments);
        layers.put(Source.SYSTEM_PROPERTY.name(), prefixed(systemProperties));
        layers.put(Source.ENVIRONMENT.name(), fromEnvironment(environment));

        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Setting> settings = new LinkedHashMap<>();

        // The properties file: named by the layers above it, never by itself.
        Setting configSetting = lookup(CONFIG, layers, null);
        Map<String, String> file = Map.of();
        if (configSetting != null) {
            settings.put(CONFIG, configSetting);
            values.put(CONFIG, configSetting.text());
            file = readFile(configSetting, warnings);
        }
        layers.put(Source.FILE.name(), file);

        for (Key<?> key : KEYS) {
            resolve(key, layers, values, settings, warnings, defaultAppName, userHome);
        }
        for (Map.Entry<String, Map<String, String>> layer : layers.entrySet()) {
            if (layer.getKey().equals(Source.SYSTEM_PROPERTY.name())
                    || layer.getKey().equals(Source.ENVIRONMENT.name())) {
                // Other vitals.* properties and VITALS_* variables are not ours to judge (the
                // agent publishes vitals.url itself).
                continue;
            }
            for (String name : layer.getValue().keySet()) {
                if (!isKey(name) && !name.equals(CONFIG)) {
                    warnings.add("unknown configuration key '" + name + "' in "
                            + describe(Source.valueOf(layer.getKey()), configSetting)
                            + "; known keys: " + knownKeys());
                }
            }
        }
        return new AgentConfig(values, settings, warnings);
    }

    private static <T> void resolve(Key<T> key, Map<String, Map<String, String>> layers, Map<String, Object> values,
            Map<String, Setting> settings, List<String> warnings, String defaultAppName, Path userHome) {
        String defaultText = defaultFor(key.name(), values, defaultAppName, userHome, key);
        Setting given = lookup(key.name(), layers, values.containsKey(CONFIG) ? settings.get(CONFIG) : null);
        if (given != null) {
            try {
                values.put(key.name(), key.parser().parse(given.text()));
                settings.put(key.name(), given);
                return;
            } catch (Invalid invalid) {
                // A secret is never repeated, not even a malformed one: logs travel further than configs.
                String shown = key.name().equals(TOKEN) ? "(hidden)" : "'" + given.text() + "'";
                warnings.add("invalid value " + shown + " for '" + key.name() + "' (from "
                        + describe(given.source(), settings.get(CONFIG)) + "): " + invalid.getMessage()
                        + "; using the default " + (defaultText.isEmpty() ? "(none)" : "'" + defaultText + "'"));
            }
        }
        try {
            values.put(key.name(), key.parser().parse(defaultText));
        } catch (Invalid impossible) {
            throw new IllegalStateException("default for " + key.name() + " is invalid: " + impossible.getMessage());
        }
        settings.put(key.name(), new Setting(key.name(), defaultText, Source.DEFAULT));
    }

    private static String defaultFor(String key, Map<String, Object> resolved, String defaultAppName, Path userHome,
            Key<?> definition) {
        if (key.equals(APP_NAME_KEY)) {
            return defaultAppName;
        }
        if (key.equals(STATE_DIR)) {
            return userHome.resolve(".vitals").resolve((String) resolved.get(APP_NAME_KEY)).toString();
        }
        return definition.defaultText().apply(resolved);
    }

    private static Setting lookup(String key, Map<String, Map<String, String>> layers, Setting configSetting) {
        for (Map.Entry<String, Map<String, String>> layer : layers.entrySet()) {
            String text = layer.getValue().get(key);
            if (text != null) {
                return new Setting(key, text.trim(), Source.valueOf(layer.getKey()));
            }
        }
        return null;
    }

    private static Map<String, String> parseArguments(String arguments, List<String> warnings) {
        Map<String, String> result = new LinkedHashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return result;
        }
        for (String part : arguments.split(",")) {
            String pair = part.trim();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                warnings.add("agent argument '" + pair + "' is not key=value (example: port=9797,token=...)");
                continue;
            }
            result.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return result;
    }

    private static Map<String, String> prefixed(Map<String, String> systemProperties) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Key<?> key : KEYS) {
            String value = systemProperties.get("vitals." + key.name());
            if (value != null) {
                result.put(key.name(), value);
            }
        }
        String config = systemProperties.get("vitals." + CONFIG);
        if (config != null) {
            result.put(CONFIG, config);
        }
        return result;
    }

    private static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Key<?> key : KEYS) {
            String value = environment.get(environmentName(key.name()));
            if (value != null) {
                result.put(key.name(), value);
            }
        }
        String config = environment.get(environmentName(CONFIG));
        if (config != null) {
            result.put(CONFIG, config);
        }
        return result;
    }

    /** {@code state.dir} is read from {@code VITALS_STATE_DIR}. */
    static String environmentName(String key) {
        return "VITALS_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> readFile(Setting config, List<String> warnings) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(config.text()), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            warnings.add("cannot read the configuration file '" + config.text() + "' (from "
                    + config.source().apiName() + "): " + e.getMessage() + "; continuing without it");
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> result.put(name.trim(), properties.getProperty(name)));
        return result;
    }

    private static String describe(Source source, Setting config) {
        switch (source) {
            case ARGUMENT:
                return "the agent arguments";
            case SYSTEM_PROPERTY:
                return "a -Dvitals.* system property";
            case ENVIRONMENT:
                return "a VITALS_* environment variable";
            case FILE:
                return "the file " + (config != null ? config.text() : "?");
            default:
                return "the defaults";
        }
    }

    private static boolean isKey(String name) {
        return KEYS.stream().anyMatch(k -> k.name().equals(name));
    }

    private static String knownKeys() {
        List<String> names = new ArrayList<>();
        KEYS.forEach(k -> names.add(k.name()));
        names.add(CONFIG);
        return String.join(", ", names);
    }

    // ---- parsers: each says in its exception what it accepts ----

    private static Integer parsePort(String text) throws Invalid {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the accepted range.
        }
        throw new Invalid("expected a port number 0..65535 (0 picks a free port)");
    }

    private static String parseBind(String text) throws Invalid {
        if (text.isEmpty() || text.contains(" ") || text.contains("/")) {
            throw new Invalid("expected an IP address or host name, such as 127.0.0.1, ::1 or 0.0.0.0");
        }
        return text;
    }

    private static String parseToken(String text) throws Invalid {
        if (text.length() > MAX_TOKEN_LENGTH) {
            throw new Invalid("expected at most " + MAX_TOKEN_LENGTH + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 127 || c == ',') {
                throw new Invalid("expected printable ASCII without spaces or commas");
            }
        }
        return text;
    }

    private static String parseAppName(String text) throws Invalid {
        if (!APP_NAME.matcher(text).matches()) {
            throw new Invalid("expected 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return text;
    }

    private static Path parsePath(String text) throws Invalid {
        if (text.isEmpty()) {
            throw new Invalid("expected a folder path");
        }
        try {
            return Path.of(text).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new Invalid("expected a valid path (" + e.getReason() + ")");
        }
    }

    private static Path parseOptionalPath(String text) throws Invalid {
        return text.isEmpty() ? null : parsePath(text);
    }

    private static AgentLog.Level parseLevel(String text) throws Invalid {
        AgentLog.Level level = AgentLog.Level.parse(text);
        if (level == null) {
            throw new Invalid("expected one of error, warn, info, debug");
        }
        return level;
    }

    private static Integer parseSqlMaxStatements(String text) throws Invalid {
        try {
            int value = Integer.parseInt(text);
            if (value >= MIN_SQL_STATEMENTS && value <= MAX_SQL_STATEMENTS) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the accepted range.
        }
        throw new Invalid("expected a whole number " + MIN_SQL_STATEMENTS + ".." + MAX_SQL_STATEMENTS);
    }

    private static Duration parsePositiveDuration(String text) throws Invalid {
        Duration duration;
        try {
            duration = parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
        if (duration.isZero()) {
            throw new Invalid("expected a duration above zero, such as 500ms or 1s");
        }
        return duration;
    }

    private static Duration parseBoundedDuration(String text, Duration min, Duration max, String minText,
            String maxText) throws Invalid {
        Duration duration;
        try {
            duration = parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage() + ", from " + minText + " to " + maxText);
        }
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw new Invalid("expected a duration from " + minText + " to " + maxText);
        }
        return duration;
    }

    private static Integer parseHistoryMaxMb(String text) throws Invalid {
        try {
            int value = Integer.parseInt(text);
            if (value >= MIN_HISTORY_MB && value <= MAX_HISTORY_MB) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the accepted range.
        }
        throw new Invalid("expected a whole number of megabytes " + MIN_HISTORY_MB + ".." + MAX_HISTORY_MB);
    }

    /** {@code token}: /metrics needs the token (true); {@code none}: it is public (false). */
    private static Boolean parseMetricsAuth(String text) throws Invalid {
        if (text.equalsIgnoreCase("token")) {
            return Boolean.TRUE;
        }
        if (text.equalsIgnoreCase("none")) {
            return Boolean.FALSE;
        }
        throw new Invalid("expected token (/metrics needs the token) or none (/metrics is public)");
    }

    private static Map<String, String> parseCacheNames(String text) throws Invalid {
        try {
            return CacheNames.parseOverrides(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    /**
     * Parses a duration written {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h} or {@code 2d}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 5m, 1h or 2d");
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                return Duration.ofDays(amount);
        }
    }

    /**
     * The default application name: the main class's simple name, or the jar's name without
     * {@code .jar}, from the {@code sun.java.command} property the launcher sets.
     */
    static String defaultAppName(String javaCommand) {
        String first = javaCommand == null || javaCommand.isBlank() ? "" : javaCommand.trim().split("\\s+")[0];
        String name;
        if (first.endsWith(".jar")) {
            name = Path.of(first).getFileName().toString();
            name = name.substring(0, name.length() - ".jar".length());
        } else {
            name = first.substring(first.lastIndexOf('.') + 1);
        }
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.length() > 64) {
            name = name.substring(0, 64);
        }
        return name.isEmpty() ? "app" : name;
    }

    // ---- typed accessors ----

    public int port() {
        return (Integer) values.get(PORT);
    }

    public String bind() {
        return (String) values.get(BIND);
    }

    /** The configured token, or null when a random one is to be generated. */
    public String token() {
        String token = (String) values.get(TOKEN);
        return token == null || token.isEmpty() ? null : token;
    }

    public String appName() {
        return (String) values.get(APP_NAME_KEY);
    }

    public Path stateDir() {
        return (Path) values.get(STATE_DIR);
    }

    /** The log file, or null for stderr. */
    public Path logFile() {
        return (Path) values.get(LOG_FILE);
    }

    public AgentLog.Level logLevel() {
        return (AgentLog.Level) values.get(LOG_LEVEL);
    }

    /** Normalized SQL statements tracked before the rest fold into an {@code other} entry per data source. */
    public int sqlMaxStatements() {
        return (Integer) values.get(SQL_MAX_STATEMENTS);
    }

    /** Statement executions at least this long go to the slow-query log. */
    public Duration sqlSlowThreshold() {
        return (Duration) values.get(SQL_SLOW_THRESHOLD);
    }

    /** Cache names by site ({@code OrderService.customers}, {@code OrderService:42}) or default name; empty if none. */
    @SuppressWarnings("unchecked")
    public Map<String, String> cacheNames() {
        return (Map<String, String>) values.get(CACHES_NAMES);
    }

    /** How often the sampler takes a snapshot of every pool, cache and statement. */
    public Duration sampleInterval() {
        return (Duration) values.get(SAMPLE_INTERVAL);
    }

    /**
     * The window the score and recommendations look back over; never shorter than one
     * {@link #sampleInterval()} (a shorter one is stretched to it).
     */
    public Duration scoreWindow() {
        Duration window = (Duration) values.get(SCORE_WINDOW);
        return window.compareTo(sampleInterval()) < 0 ? sampleInterval() : window;
    }

    /** The most disk the persisted history may take, bytes. */
    public long historyMaxBytes() {
        return (Integer) values.get(HISTORY_MAX_MB) * 1024L * 1024L;
    }

    /**
     * Whether {@code GET /metrics} needs the token ({@code metrics.auth=token}, the default) or is
     * served to anyone who can reach the port ({@code metrics.auth=none}, for scrapers that cannot
     * send a bearer token).
     */
    public boolean metricsNeedToken() {
        return (Boolean) values.get(METRICS_AUTH);
    }

    /** Every effective setting with its source, in a stable order; {@code config} first if set. */
    public Map<String, Setting> settings() {
        return settings;
    }

    /** Problems found while reading the configuration, one sentence each. */
    public List<String> warnings() {
        return warnings;
    }
}
