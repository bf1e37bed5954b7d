package dev.vitals.agent.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Set;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>} or the dashboard's
 * session cookie ({@code vitals_session_<port>}, see {@link DashboardRoutes}), except for the public paths:
 * {@code /api/v1/health}, {@code /metrics} when {@code metrics.auth=none}, and the dashboard's
 * pages, sign-in and files ({@code /}, {@code /signin}, {@code /signout}, {@code /assets/…}),
 * which carry no data. Runs before routing, so an unknown path without a token is a 401, not a
 * 404: the API does not tell strangers which paths exist.
 *
 * <p>Cross-site request forgery: a browser sends the cookie by itself, also for requests a foreign
 * page makes (another site's form, or a page on another port of this host, which counts as the same
 * site). So with the cookie, a request that changes something ({@code POST}, {@code PUT},
 * {@code DELETE}, {@code PATCH}) must also carry {@code X-Vitals-Request: 1}: a page can send a
 * custom header to another origin only after a CORS preflight, and the agent answers none (it
 * never sends CORS headers). A bearer token needs no such header: no foreign page knows it.
 *
 * <p>Thread-safe and allocation-light; called on Undertow's I/O threads.
 */
final class Auth implements HttpHandler {

    /**
     * The dashboard's session cookie, {@code vitals_session_<port>}: browsers keep cookies per
     * host, not per port, so one name for every agent on 127.0.0.1 would make signing in to one
     * sign you out of the others, and send each agent's session to all of them.
     */
    static final String COOKIE_PREFIX = "vitals_session_";
    /** The header that marks a state-changing request with the cookie as the dashboard's own. */
    static final HttpString REQUEST_HEADER = new HttpString("X-Vitals-Request");

    private static final String BEARER = "Bearer ";
    /** Paths under these prefixes are public (the dashboard's static files). */
    private static final String ASSETS = "/assets/";

    private final Sessions sessions;
    private final Set<String> publicPaths;
    private final Responses responses;
    private final HttpHandler next;

    Auth(Sessions sessions, Set<String> publicPaths, Responses responses, HttpHandler next) {
        this.sessions = sessions;
        this.publicPaths = Set.copyOf(publicPaths);
        this.responses = responses;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (isPublic(exchange.getRelativePath()) || bearerMatches(exchange)) {
            next.handleRequest(exchange);
            return;
        }
        if (sessions.touch(sessionId(exchange))) {
            if (changesState(exchange) && !"1".equals(exchange.getRequestHeaders().getFirst(REQUEST_HEADER))) {
                responses.error(exchange, 403, "csrf", exchange.getRequestMethod() + " with the dashboard's session "
                        + "cookie needs the header 'X-Vitals-Request: 1' (so that other pages cannot send it); "
                        + "scripts and tools can send 'Authorization: Bearer <token>' instead", null);
                return;
            }
            next.handleRequest(exchange);
            return;
        }
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"vitals\"");
        responses.error(exchange, 401, "unauthorized",
                "send the agent's token as 'Authorization: Bearer <token>'; it is in the token file the agent "
                        + "printed at start (system property vitals.token.file of the JVM)", null);
    }

    /** The session cookie's name for the port this agent listens on. */
    static String cookieName(int port) {
        return COOKIE_PREFIX + port;
    }

    /** The session cookie's name for the agent that received this request. */
    static String cookieName(HttpServerExchange exchange) {
        return cookieName(exchange.getDestinationAddress().getPort());
    }

    /** The session id the request's cookie carries, or null. */
    static String sessionId(HttpServerExchange exchange) {
        Cookie cookie = exchange.getRequestCookie(cookieName(exchange));
        return cookie == null ? null : cookie.getValue();
    }

    private boolean isPublic(String path) {
        if (publicPaths.contains(path)) {
            return true;
        }
        // Undertow decodes the path but does not resolve dot segments: never let /assets/.. out of /assets.
        return path.startsWith(ASSETS) && !path.contains("..") && path.indexOf('\\') < 0;
    }

    private boolean bearerMatches(HttpServerExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return sessions.tokenMatches(header.substring(BEARER.length()).trim());
    }

    private static boolean changesState(HttpServerExchange exchange) {
        HttpString method = exchange.getRequestMethod();
        return method.equals(Methods.POST) || method.equals(Methods.PUT) || method.equals(Methods.DELETE)
                || method.equals(Methods.PATCH);
    }
}
