package dev.vitals.agent.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Deque;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard: its page at {@code /}, its files under {@code /assets/}, and signing in and out.
 * All of it is public (it carries no data: the page reads the API, with the session cookie).
 *
 * <ul>
 *   <li>{@code GET /?token=<token>} (the URL the agent prints): with the right token, opens a
 *       session, sets the cookie {@code vitals_session_<port>} and answers {@code 303 → /}, so the token
 *       leaves the address bar and the history; with a wrong one, the sign-in page with an error
 *       (401).
 *   <li>{@code GET /}: the dashboard ({@code index.html}) with a live session, else the sign-in page,
 *       which says where the token file is.
 *   <li>{@code POST /signin} ({@code application/x-www-form-urlencoded}, {@code token=…}): the
 *       sign-in page's form; {@code 303 → /} with the cookie, or {@code 303 → /?error=invalid}
 *       without one.
 *   <li>{@code POST /signout}: ends the session, clears the cookie, {@code 303 → /}.
 *   <li>{@code GET /assets/<file>} and {@code GET /assets/uplot/<file>}: {@link DashboardFiles}.
 * </ul>
 *
 * <p>The cookie is {@code HttpOnly} (scripts cannot read it) and {@code SameSite=Strict}; not
 * {@code Secure}, as the agent serves plain HTTP on loopback. HTML is served with a strict
 * Content-Security-Policy (no inline script or style, nothing from elsewhere, no framing).
 *
 * <p>Thread-safe: stateless apart from {@link Sessions} and the files' cache.
 */
public final class DashboardRoutes implements Routes {

    /** The Content-Security-Policy of every page: only our own files, no inline code, never framed. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    /** The attributes of the session cookie, after its value. */
    static final String COOKIE_ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Strict";
    /** The sign-in page's template; {@code {{app}}}, {@code {{token_file}}} and {@code {{error}}} are filled in. */
    static final String SIGN_IN_PAGE = "signin.html";
    /** The page's message after a wrong token. */
    static final String WRONG_TOKEN = "That is not this agent's token. Copy it from the token file below "
            + "(a token of another run or another JVM does not work).";

    private static final HttpString CONTENT_SECURITY_POLICY_HEADER = new HttpString("Content-Security-Policy");
    private static final HttpString FRAME_OPTIONS = new HttpString("X-Frame-Options");
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");
    private static final HttpString CONTENT_TYPE_OPTIONS = new HttpString("X-Content-Type-Options");
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(app|token_file|error)}}");

    private final Sessions sessions;
    private final DashboardFiles files;
    private final String appName;
    private final Supplier<Path> tokenFile;
    private final Responses responses;

    /**
     * @param sessions the token and the sessions signing in opens
     * @param appName the application's name, shown on the sign-in page
     * @param tokenFile the token file's path, shown on the sign-in page; null until it is written
     */
    public DashboardRoutes(Sessions sessions, String appName, Supplier<Path> tokenFile, Responses responses) {
        this(sessions, DashboardFiles.standard(), appName, tokenFile, responses);
    }

    DashboardRoutes(Sessions sessions, DashboardFiles files, String appName, Supplier<Path> tokenFile,
            Responses responses) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.files = Objects.requireNonNull(files, "files");
        this.appName = Objects.requireNonNull(appName, "appName");
        this.tokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/", this::page);
        routing.get("/assets/{file}", exchange -> asset(exchange, files.dashboard(file(exchange))));
        routing.get("/assets/uplot/{file}", exchange -> asset(exchange, files.uplot(file(exchange))));
        routing.post("/signin", this::signIn);
        routing.post("/signout", this::signOut);
    }

    private void page(HttpServerExchange exchange) {
        String token = first(exchange, "token");
        if (token != null) {
            String session = sessions.open(token);
            if (session == null) {
                signInPage(exchange, 401, WRONG_TOKEN);
            } else {
                redirect(exchange, "/", Auth.cookieName(exchange) + "=" + session + COOKIE_ATTRIBUTES);
            }
            return;
        }
        if (sessions.touch(Auth.sessionId(exchange))) {
            DashboardFiles.File index = files.dashboard("index.html");
            if (index == null) {
                responses.error(exchange, 500, "dashboard_missing",
                        "the dashboard's index.html is not in the agent jar; rebuild the agent", null);
                return;
            }
            // No ETag: "/" is the dashboard or the sign-in page depending on the cookie.
            send(exchange, 200, index.contentType(), "no-cache", null, index.bytes());
            return;
        }
        signInPage(exchange, 200, "invalid".equals(first(exchange, "error")) ? WRONG_TOKEN : null);
    }

    private void signIn(HttpServerExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            responses.error(exchange, 415, "unsupported_media_type",
                    "sign in with a form: Content-Type " + FORM + " and a field 'token'", null);
            return;
        }
        String body = new String(exchange.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String session = sessions.open(formField(body, "token"));
        if (session == null) {
            redirect(exchange, "/?error=invalid", null);
        } else {
            redirect(exchange, "/", Auth.cookieName(exchange) + "=" + session + COOKIE_ATTRIBUTES);
        }
    }

    private void signOut(HttpServerExchange exchange) {
        sessions.close(Auth.sessionId(exchange));
        redirect(exchange, "/", Auth.cookieName(exchange) + "=" + COOKIE_ATTRIBUTES + "; Max-Age=0");
    }

    private void asset(HttpServerExchange exchange, DashboardFiles.File file) {
        if (file == null || file.name().equals(SIGN_IN_PAGE)) {
            responses.error(exchange, 404, "not_found", "no such file: " + exchange.getRequestPath(), null);
            return;
        }
        // Revalidated on every use (they change with the agent, not with a URL), answered by a 304.
        if (file.etag().equals(exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH))) {
            send(exchange, 304, null, "no-cache", file.etag(), null);
            return;
        }
        send(exchange, 200, file.contentType(), "no-cache", file.etag(), file.bytes());
    }

    private void signInPage(HttpServerExchange exchange, int status, String error) {
        DashboardFiles.File template = files.dashboard(SIGN_IN_PAGE);
        if (template == null) {
            responses.error(exchange, 500, "dashboard_missing",
                    "the dashboard's " + SIGN_IN_PAGE + " is not in the agent jar; rebuild the agent", null);
            return;
        }
        Path path = tokenFile.get();
        String html = fill(template.text(), appName,
                path == null ? "(its path is in the agent's start line)" : path.toString(), error);
        send(exchange, status, template.contentType(), "no-store", null, html.getBytes(StandardCharsets.UTF_8));
    }

    /** The sign-in page's template with its placeholders replaced by the HTML-escaped values, in one pass. */
    static String fill(String template, String app, String tokenFile, String error) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        return matcher.replaceAll(match -> Matcher.quoteReplacement(escape(switch (match.group(1)) {
            case "app" -> app;
            case "token_file" -> tokenFile;
            default -> error == null ? "" : error;
        })));
    }

    /** Text for HTML content and attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The first value of {@code name} in a form body; null when absent or badly encoded. */
    static String formField(String body, String name) {
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equals(name)) {
                try {
                    return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException badEscape) {
                    return null;
                }
            }
        }
        return null;
    }

    /** A 303 to {@code location}; the response is never cached and sends no referrer on. */
    private static void redirect(HttpServerExchange exchange, String location, String setCookie) {
        HeaderMap headers = exchange.getResponseHeaders();
        exchange.setStatusCode(303);
        headers.put(Headers.LOCATION, location);
        headers.put(Headers.CACHE_CONTROL, "no-store");
        headers.put(REFERRER_POLICY, "no-referrer");
        if (setCookie != null) {
            headers.put(Headers.SET_COOKIE, setCookie);
        }
        exchange.endExchange();
    }

    private static void send(HttpServerExchange exchange, int status, String contentType, String cacheControl,
            String etag, byte[] body) {
        HeaderMap headers = exchange.getResponseHeaders();
        exchange.setStatusCode(status);
        if (contentType != null) {
            headers.put(Headers.CONTENT_TYPE, contentType);
        }
        headers.put(Headers.CACHE_CONTROL, cacheControl);
        if (etag != null) {
            headers.put(Headers.ETAG, etag);
        }
        headers.put(CONTENT_TYPE_OPTIONS, "nosniff");
        headers.put(CONTENT_SECURITY_POLICY_HEADER, CONTENT_SECURITY_POLICY);
        headers.put(FRAME_OPTIONS, "DENY");
        headers.put(REFERRER_POLICY, "no-referrer");
        if (body == null) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        }
    }

    private static String file(HttpServerExchange exchange) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        return match == null ? null : match.getParameters().get("file");
    }

    private static String first(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
