package dev.vitals.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What the Vitals agent has published about itself in the target JVM's system properties (the
 * agent sets them when its server is up and clears them on detach): the only channel between
 * the CLI and the agent besides HTTP.
 *
 * @param url       {@code vitals.url}, always ending in {@code /}; {@code null} if not running
 * @param tokenFile {@code vitals.token.file}
 * @param version   {@code vitals.version}
 * @param error     {@code vitals.error}: why the agent could not start its server
 */
record AgentState(String url, String tokenFile, String version, String error) {

    static final String URL = "vitals.url";
    static final String TOKEN_FILE = "vitals.token.file";
    static final String VERSION = "vitals.version";
    static final String ERROR = "vitals.error";

    static AgentState of(Properties systemProperties) {
        return new AgentState(
                blankToNull(systemProperties.getProperty(URL)),
                blankToNull(systemProperties.getProperty(TOKEN_FILE)),
                blankToNull(systemProperties.getProperty(VERSION)),
                blankToNull(systemProperties.getProperty(ERROR)));
    }

    boolean running() {
        return url != null;
    }

    /** {@code Vitals is already running in 1234: http://... (token file: /...)} and friends. */
    String describe() {
        return url + " (token file: " + (tokenFile == null ? "?" : tokenFile) + ")";
    }

    /**
     * The dashboard's sign-in link ({@code <url>?token=<token>}), read from the token file; null
     * when the file cannot be read (another user's JVM: then only its owner may sign in).
     */
    String signInUrl() {
        if (url == null || tokenFile == null) {
            return null;
        }
        try {
            String token = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? null : healthUri().resolve("/").toString() + "?token=" + token;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Where to ask for the agent's health. A wildcard bind address ({@code 0.0.0.0}, {@code ::})
     * is not something one can connect to, so it becomes the loopback address of the same family.
     */
    URI healthUri() {
        try {
            URI base = new URI(url.endsWith("/") ? url : url + "/");
            String host = base.getHost();
            if ("0.0.0.0".equals(host)) {
                host = "127.0.0.1";
            } else if ("[::]".equals(host) || "::".equals(host) || "[0:0:0:0:0:0:0:0]".equals(host)) {
                host = "[::1]";
            }
            URI connectable = new URI(base.getScheme(), null, host, base.getPort(), base.getPath(), null, null);
            return connectable.resolve("api/v1/health");
        } catch (URISyntaxException | NullPointerException e) {
            throw new CommandFailure("the agent published a malformed " + URL + ": '" + url + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
