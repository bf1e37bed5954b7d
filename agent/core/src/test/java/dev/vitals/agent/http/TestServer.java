package dev.vitals.agent.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The real {@link Server} on a free loopback port with the routes under test, and a client that
 * sends the token: requests go through Undertow's query parsing, {@link Auth} and {@link Responses}
 * exactly as in the agent.
 */
final class TestServer implements AutoCloseable {

    static final String TOKEN = "test-token";

    /** A response: status, headers and the body parsed as JSON. */
    record Reply(int status, HttpHeaders headers, JsonNode body) {
    }

    private final Server server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private TestServer(Server server) {
        this.server = server;
    }

    static TestServer start(Routes... routes) throws Server.RefusedException {
        return new TestServer(Server.start("127.0.0.1", 0, new Sessions(TOKEN, Clock.systemUTC()), true, Set.of(),
                List.of(routes), new Responses()));
    }

    /** GETs {@code pathAndQuery} (starting with {@code /}) with the token. */
    Reply get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + pathAndQuery.substring(1)))
                .header("Authorization", "Bearer " + TOKEN)
                .GET()
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers(), json.readTree(response.body()));
    }

    @Override
    public void close() {
        server.close();
    }
}
