package dev.vitals.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The smallest target JVM: JDK classes only, so it is launched with nothing but the test-classes
 * directory on its class path (none of the test JVM's Jackson, JUnit or AssertJ).
 *
 * <p>Prints {@code idle-app ready pid=<pid> java.version=<version>} on stdout, then answers
 * commands read from stdin, one a line:
 * <ul>
 *   <li>{@code prop <name>} prints {@code prop <name>=<value>}, or {@code prop <name> unset};
 *   <li>{@code logmanager} prints {@code logmanager created-by=<thread>} when JUL was initialised
 *       with {@link RecordingLogManager}, or {@code logmanager created-by=none};
 *   <li>{@code exit} exits with status 0.
 * </ul>
 * When stdin ends it keeps running until it is killed.
 *
 * <p>Threading: everything runs on {@code main}; it is the only non-daemon thread.
 */
public final class IdleApp {

    /** The first line on stdout; the harness waits for it. */
    public static final String READY = "idle-app ready";

    private IdleApp() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.out.println(READY + " pid=" + ProcessHandle.current().pid()
                + " java.version=" + System.getProperty("java.version"));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String command = line.trim();
            if (command.equals("exit")) {
                System.exit(0);
            } else if (command.startsWith("prop ")) {
                String name = command.substring("prop ".length()).trim();
                String value = System.getProperty(name);
                System.out.println(value == null ? "prop " + name + " unset" : "prop " + name + "=" + value);
            } else if (command.equals("logmanager")) {
                // The property, not a field of RecordingLogManager: that would initialise JUL here.
                String by = System.getProperty("vitals.it.logmanager.created-by");
                System.out.println("logmanager created-by=" + (by == null ? "none" : by.replace("\n", " | ")));
            } else if (!command.isEmpty()) {
                System.out.println("unknown command: " + command);
            }
            System.out.flush();
        }
        // stdin closed: idle until killed.
        new CountDownLatch(1).await();
    }
}
