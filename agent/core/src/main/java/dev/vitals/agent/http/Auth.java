package dev.vitals.agent.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}, except for the few
 * public paths ({@code /api/v1/health}). Runs before routing, so an unknown path without a token
 * is a 401, not a 404: the API does not tell strangers which paths exist.
 *
 * <p>Thread-safe and allocation-light; called on Undertow's I/O threads.
 */
final class Auth implements HttpHandler {

    private static final String BEARER = "Bearer ";

    private final byte[] token;
    private final Set<String> publicPaths;
    private final Responses responses;
    private final HttpHandler next;

    Auth(String token, Set<String> publicPaths, Responses responses, HttpHandler next) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.publicPaths = Set.copyOf(publicPaths);
        this.responses = responses;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (publicPaths.contains(exchange.getRelativePath()) || authorized(exchange)) {
            next.handleRequest(exchange);
            return;
        }
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"vitals\"");
        responses.error(exchange, 401, "unauthorized",
                "send the agent's token as 'Authorization: Bearer <token>'; it is in the token file the agent "
                        + "printed at start (system property vitals.token.file of the JVM)", null);
    }

    private boolean authorized(HttpServerExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] given = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant time, so the comparison does not leak how much of a guess was right.
        return MessageDigest.isEqual(given, token);
    }
}
