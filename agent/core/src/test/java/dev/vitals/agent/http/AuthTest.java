package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may call the API: the bearer token, or the dashboard's session cookie — which, for methods
 * that change something, needs {@code X-Vitals-Request: 1} too. Against the real {@link Server}.
 */
class AuthTest {

    static final String TOKEN = "auth-test-token";
    static final String PROBE = "/api/v1/probe";

    final Sessions sessions = new Sessions(TOKEN, Clock.systemUTC());
    final Responses responses = new Responses();
    Server server;
    WebClient client;
    String session;

    @BeforeEach
    void start() throws Exception {
        Routes probe = routing -> {
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                routing.add(method, PROBE, exchange -> responses.json(exchange, 200, Map.of("ok", method)));
            }
        };
        server = Server.start("127.0.0.1", 0, sessions, true, Set.of(), List.of(probe), responses);
        client = new WebClient(server.url());
        session = sessions.open(TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} {1} X-Vitals-Request={2} → {3}")
    @CsvSource({
        // credential, method, X-Vitals-Request, status
        "bearer,       GET,    -, 200",
        "bearer,       GET,    1, 200",
        "bearer,       POST,   -, 200",
        "bearer,       POST,   1, 200",
        "bearer,       DELETE, -, 200",
        "cookie,       GET,    -, 200",
        "cookie,       GET,    1, 200",
        "cookie,       POST,   -, 403",
        "cookie,       POST,   1, 200",
        "cookie,       PUT,    -, 403",
        "cookie,       PUT,    1, 200",
        "cookie,       DELETE, -, 403",
        "cookie,       DELETE, 1, 200",
        "cookie,       PATCH,  -, 403",
        "cookie,       PATCH,  1, 200",
        "cookie,       POST,   true, 403",
        "cookie,       POST,   0, 403",
        "none,         GET,    -, 401",
        "none,         GET,    1, 401",
        "none,         POST,   -, 401",
        "none,         POST,   1, 401",
        "wrong-bearer, GET,    -, 401",
        "wrong-bearer, POST,   1, 401",
        "wrong-cookie, GET,    -, 401",
        "wrong-cookie, POST,   1, 401",
        "token-cookie, GET,    -, 401",
    })
    void credentialMethodAndHeader(String credential, String method, String marker, int status) throws Exception {
        List<String> headers = new ArrayList<>();
        switch (credential) {
            case "bearer" -> headers.addAll(List.of("Authorization", "Bearer " + TOKEN));
            case "wrong-bearer" -> headers.addAll(List.of("Authorization", "Bearer " + TOKEN + "x"));
            case "cookie" -> headers.addAll(List.of("Cookie", cookie() + "=" + session));
            case "wrong-cookie" -> headers.addAll(List.of("Cookie", cookie() + "=" + session + "x"));
            // The token is not a session id.
            case "token-cookie" -> headers.addAll(List.of("Cookie", cookie() + "=" + TOKEN));
            default -> { }
        }
        if (!marker.equals("-")) {
            headers.addAll(List.of("X-Vitals-Request", marker));
        }

        WebClient.Reply reply = client.send(method, PROBE, null, headers.toArray(String[]::new));

        assertThat(reply.status()).as("%s", reply).isEqualTo(status);
        assertThat(reply.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        switch (status) {
            case 200 -> assertThat(reply.json().get("ok").asText()).isEqualTo(method);
            case 403 -> {
                assertThat(reply.json().get("error").asText()).isEqualTo("csrf");
                assertThat(reply.json().get("message").asText()).isEqualTo(method + " with the dashboard's session "
                        + "cookie needs the header 'X-Vitals-Request: 1' (so that other pages cannot send it); scripts "
                        + "and tools can send 'Authorization: Bearer <token>' instead");
            }
            default -> {
                assertThat(reply.json().get("error").asText()).isEqualTo("unauthorized");
                assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"vitals\"");
            }
        }
        assertThat(reply.body()).doesNotContain(TOKEN);
    }

    @Test
    void otherCookiesBesideTheSessionDoNotMatter() throws Exception {
        WebClient.Reply reply = client.post(PROBE, null, "Cookie", "theme=dark; " + cookie() + "=" + session + "; x=y",
                "X-Vitals-Request", "1");

        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void aClosedSessionNoLongerAuthorises() throws Exception {
        sessions.close(session);

        assertThat(client.get(PROBE, "Cookie", cookie() + "=" + session).status()).isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "OPTIONS"})
    void neverAnyCorsHeaderEvenWhenAskedCrossOrigin(String method) throws Exception {
        WebClient.Reply reply = client.send(method, PROBE, null, "Origin", "http://127.0.0.1:3000",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-vitals-request",
                "Cookie", cookie() + "=" + session);

        assertThat(reply.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
    }

    @Test
    void assetsArePublicButNeverAWayOutOfAssets() throws Exception {
        // No route for /assets here: public means "reaches the router", which answers 404.
        assertThat(client.get("/assets/app.js").status()).isEqualTo(404);
        assertThat(client.rawGetStatus("/assets/../api/v1/probe")).isEqualTo(401);
        assertThat(client.rawGetStatus("/assets/%2e%2e/api/v1/probe")).isEqualTo(401);
        assertThat(client.rawGetStatus("/assets/..%2fapi/v1/probe")).isEqualTo(401);
        assertThat(client.rawGetStatus(PROBE)).isEqualTo(401);
    }

    /** This test server's session cookie name ({@code vitals_session_<port>}). */
    String cookie() {
        return Auth.cookieName(java.net.URI.create(server.url()).getPort());
    }
}
