package dev.vitals.it.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * Optional parts of the environment (a second JDK now; PostgreSQL, Chromium later). A test that
 * needs one that is missing is skipped with a message saying what is missing and how to provide
 * it, unless the environment variable {@code VITALS_REQUIRE_ALL=true} (CI sets it): then the test
 * fails with the same message, so a misconfigured machine cannot turn a run green by skipping.
 */
public final class Requirements {

    /** Set to {@code true} where nothing may be skipped. */
    public static final String REQUIRE_ALL_ENV = "VITALS_REQUIRE_ALL";

    private Requirements() {
    }

    /** The Java 25 home ({@code -Dvitals.java25.home}), or skips / fails the calling test. */
    public static Path java25() {
        Path home = Artifacts.java25Home();
        require("Java 25", Files.isExecutable(home.resolve("bin").resolve("java")),
                "no JDK at " + home + "; install Temurin 25 there or point -Dvitals.java25.home= at a Java 25 home");
        return home;
    }

    /** Where the PostgreSQL tests connect: this machine's server, database {@code test}, trust auth. */
    public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    /**
     * The JDBC URL of the local PostgreSQL ({@value #POSTGRES_URL}, user {@code postgres}), or skips /
     * fails the calling test when nothing listens on 127.0.0.1:5432.
     */
    public static String postgres() {
        boolean up;
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", 5432), 2_000);
            up = true;
        } catch (java.io.IOException e) {
            up = false;
        }
        require("PostgreSQL", up, "nothing answers on 127.0.0.1:5432; start PostgreSQL (database 'test', user "
                + "'postgres', trust auth on loopback)");
        return POSTGRES_URL;
    }

    /** The Debian package's browser, driven by the dashboard's browser tests. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The Debian package's WebDriver server, of the same version as {@link #CHROMIUM}. */
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /**
     * Chromium and chromedriver at {@link #CHROMIUM} and {@link #CHROMEDRIVER}, or skips / fails the
     * calling test when either is missing.
     */
    public static void chromium() {
        require("Chromium", Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no executable " + (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM)
                        + "; install the Debian packages: apt-get install -y --no-install-recommends chromium chromium-driver");
    }

    /**
     * Skips the calling test when {@code available} is false, or fails it when every requirement
     * is mandatory ({@value #REQUIRE_ALL_ENV}=true).
     *
     * @param what      what is needed, e.g. "PostgreSQL"
     * @param available whether it was found
     * @param missing   what is missing and how to provide it
     */
    public static void require(String what, boolean available, String missing) {
        require(what, available, missing, "true".equalsIgnoreCase(System.getenv(REQUIRE_ALL_ENV)));
    }

    static void require(String what, boolean available, String missing, boolean requireAll) {
        if (available) {
            return;
        }
        if (requireAll) {
            throw new AssertionFailedError(what + " is required (" + REQUIRE_ALL_ENV + "=true) but unavailable: " + missing);
        }
        Assumptions.abort(what + " unavailable, test skipped: " + missing
                + " (set " + REQUIRE_ALL_ENV + "=true to make this a failure)");
    }
}
