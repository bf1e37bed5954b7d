package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Stopping the real {@link Server}: at JVM exit its I/O threads must be gone before the shutdown
 * hook returns (HotSpot waits for threads in native code at exit, see
 * {@link Server#closeForExit()}), and a detach after the exit stop must not fail.
 */
class ServerStopTest {

    @Test
    void theStopAtExitEndsTheIoThreadsBeforeItReturns() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Server server = Server.start("127.0.0.1", 0, new Sessions("t", Clock.systemUTC()), true, Set.of(), List.of(),
                new Responses());
        URI url = URI.create(server.url());
        // The threads this server started: XNIO's accept and I/O threads, which sit in epoll_wait.
        Set<Thread> ours = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.getName().startsWith("vitals-http"))
                .collect(Collectors.toSet());
        assertThat(ours).extracting(Thread::getName).anyMatch(name -> name.contains("I/O"));
        try (Socket probe = new Socket(url.getHost(), url.getPort())) {
            assertThat(probe.isConnected()).isTrue();
        }

        server.closeForExit();

        assertThat(ours).filteredOn(thread -> !thread.getName().contains("worker"))
                .allSatisfy(thread -> assertThat(thread.isAlive()).as(thread.getName()).isFalse());
        assertThatThrownBy(() -> new Socket(url.getHost(), url.getPort()).close()).isInstanceOf(ConnectException.class);
        server.close(); // a detach racing the exit: nothing left to stop, nothing thrown
    }

    @Test
    void aSecondCloseDoesNothing() throws IOException, Server.RefusedException {
        Server server = Server.start("127.0.0.1", 0, new Sessions("t", Clock.systemUTC()), true, Set.of(), List.of(),
                new Responses());
        server.close();
        server.close();
        server.closeForExit();
    }
}
