package dev.vitals.it.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Caffeine test app (integration-tests/apps/cache-app) as the tests drive it: its class paths
 * for Caffeine 3.x (with Spring) and 2.9, and its stdin commands.
 */
final class CacheApp {

    static final String MAIN = "dev.vitals.it.cacheapp.CacheApp";
    static final String READY = "^cache-app ready ";
    private static final Duration COMMAND = Duration.ofSeconds(30);

    /** A Caffeine line the app runs on. */
    enum Caffeine {
        /** Caffeine 3.x and spring-context-support. */
        V3("lib"),
        /** Caffeine 2.9. */
        V2("lib-caffeine2");

        private final String lib;

        Caffeine(String lib) {
            this.lib = lib;
        }

        List<String> classpath() {
            Path dir = dir();
            Path jar = dir.resolve("vitals-cache-app.jar");
            if (!Files.isRegularFile(jar) || !Files.isDirectory(dir.resolve(lib))) {
                throw new IllegalStateException("cache app not built: expected " + jar + " and " + dir.resolve(lib)
                        + "; build it with mvn -pl integration-tests/apps/cache-app package");
            }
            return List.of(jar.toString(), dir.resolve(lib).resolve("*").toString());
        }
    }

    private final JavaProcess process;
    private int reports;

    CacheApp(JavaProcess process) {
        this.process = process;
    }

    /** Runs {@code rounds} lookups on every cache, then returns the app's counts. */
    JsonNode run(int rounds) {
        process.writeStdin("run " + rounds);
        return report();
    }

    /** The app's own counts and each cache's {@code stats()}, once every earlier command is done. */
    JsonNode report() {
        process.writeStdin("report");
        int seq = ++reports;
        return Json.parse(process.awaitStdout("^report " + seq + " (.*)$", COMMAND).group(1));
    }

    /** Forgets the droppable cache. */
    void drop() {
        process.writeStdin("drop");
        report();
    }

    private static Path dir() {
        String value = System.getProperty("vitals.cacheapp.dir");
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property vitals.cacheapp.dir is not set; run the integration "
                    + "tests through maven-failsafe (mvn -pl integration-tests verify)");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
