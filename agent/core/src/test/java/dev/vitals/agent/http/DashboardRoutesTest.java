package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard's files and signing in, against the real {@link Server}: files of a fixture folder
 * (and the real uPlot webjar) with their content types and headers; the sign-in page; the cookie,
 * its attributes and the redirects; the token never in a response.
 */
class DashboardRoutesTest {

    /** Characters that need encoding, so decoding is tested too. */
    static final String TOKEN = "dash+token/=42&x";
    static final String FIXTURE = "dev/vitals/agent/http/dashboard-fixture/";
    static final String APP = "shop <&> \"1\"";
    static final Path TOKEN_FILE = Path.of("/home/app/.vitals/shop/token-4242");
    static final String PROBE = "/api/v1/probe";
    static final Pattern SESSION_COOKIE =
            Pattern.compile("vitals_session_(\\d+)=([A-Za-z0-9_-]{43}); Path=/; HttpOnly; SameSite=Strict");
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    final Sessions sessions = new Sessions(TOKEN, Clock.systemUTC());
    final Responses responses = new Responses();
    final AtomicReference<Path> tokenFile = new AtomicReference<>(TOKEN_FILE);
    /** Every reply of a test, to check none carries the token. */
    final List<WebClient.Reply> replies = new ArrayList<>();
    Server server;
    WebClient client;

    @BeforeEach
    void start() throws Exception {
        DashboardRoutes dashboard = new DashboardRoutes(sessions,
                new DashboardFiles(DashboardRoutesTest.class.getClassLoader(), FIXTURE), APP, tokenFile::get, responses);
        Routes probe = routing -> routing.get(PROBE, exchange -> responses.json(exchange, 200, Map.of("ok", true)));
        server = Server.start("127.0.0.1", 0, sessions, true, Set.of(), List.of(dashboard, probe), responses);
        client = new WebClient(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.body()).doesNotContain(TOKEN).doesNotContain(encoded(TOKEN));
            assertThat(reply.headers().map().toString()).doesNotContain(TOKEN).doesNotContain(encoded(TOKEN));
        });
    }

    // ------------------------------------------------------------------ files

    @ParameterizedTest
    @CsvSource({
        "app.js,      text/javascript; charset=utf-8",
        "app.css,     text/css; charset=utf-8",
        "index.html,  text/html; charset=utf-8",
        "logo.svg,    image/svg+xml",
        "icon.png,    image/png",
        "favicon.ico, image/x-icon",
    })
    void assetsAreServedWithTheirTypeAndSafeHeaders(String file, String contentType) throws Exception {
        WebClient.Reply reply = get("/assets/" + file);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.bytes()).isEqualTo(resource(FIXTURE + file));
        assertThat(reply.header("Content-Type")).isEqualTo(contentType);
        assertThat(reply.header("Content-Length")).isEqualTo(Integer.toString(reply.bytes().length));
        assertThat(reply.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(reply.header("ETag")).matches("\"[0-9a-f]{24}\"");
        assertSafeHeaders(reply);
    }

    @Test
    void anUnchangedAssetIsA304() throws Exception {
        String etag = get("/assets/app.js").header("ETag");

        WebClient.Reply same = get("/assets/app.js", "If-None-Match", etag);
        WebClient.Reply other = get("/assets/app.js", "If-None-Match", "\"0123\"");

        assertThat(same.status()).isEqualTo(304);
        assertThat(same.bytes()).isEmpty();
        assertThat(same.header("ETag")).isEqualTo(etag);
        assertThat(other.status()).isEqualTo(200);
        assertThat(get("/assets/app.css").header("ETag")).isNotEqualTo(etag);
    }

    @ParameterizedTest
    @CsvSource({
        "uPlot.iife.min.js, text/javascript; charset=utf-8",
        "uPlot.min.css,     text/css; charset=utf-8",
    })
    void uplotComesFromItsWebjar(String file, String contentType) throws Exception {
        WebClient.Reply reply = get("/assets/uplot/" + file);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo(contentType);
        assertThat(reply.bytes()).isEqualTo(resource("META-INF/resources/webjars/uplot/1.6.30/dist/" + file)).isNotEmpty();
        assertThat(reply.header("ETag")).isNotNull();
        assertSafeHeaders(reply);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/assets/missing.js", "/assets/notes.txt", "/assets/.hidden.js", "/assets/signin.html",
        "/assets/uplot/uPlot.js", "/assets/uplot/uPlot.esm.js", "/assets/uplot/README.md", "/assets/uplot/app.js",
        "/assets/", "/assets/uplot/", "/assets/dashboard-fixture/app.js", "/assets/APP.JS"})
    void anythingElseUnderAssetsIsA404(String path) throws Exception {
        WebClient.Reply reply = get(path);

        assertThat(reply.status()).as("%s", reply).isEqualTo(404);
        assertThat(reply.json().get("error").asText()).isEqualTo("not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/assets/..", "/assets/../index.html", "/assets/%2e%2e/http/uplot.properties",
        "/assets/..%2fhttp%2fuplot.properties", "/assets/uplot/../app.js", "/assets/..%5capp.js",
        "/assets/uplot/..%2f..%2fLICENSE"})
    void dotDotNeverLeavesTheFolder(String rawPath) throws Exception {
        assertThat(client.rawGetStatus(rawPath)).as("without credentials").isEqualTo(401);
        assertThat(client.rawGetStatus(rawPath, "Authorization: Bearer " + TOKEN))
                .as("with the token: no such file").isIn(400, 404);
    }

    @Test
    void contentTypesOnlyForKnownExtensionsAndPlainNames() {
        assertThat(DashboardFiles.contentType("a.html")).isEqualTo("text/html; charset=utf-8");
        assertThat(DashboardFiles.contentType("a.HTML")).as("extensions are lower case").isNull();
        assertThat(DashboardFiles.contentType("uPlot.iife.min.js")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(DashboardFiles.contentType("x.json")).isNull();
        assertThat(DashboardFiles.contentType("x.classdata")).isNull();
        assertThat(DashboardFiles.contentType("noextension")).isNull();
        assertThat(DashboardFiles.contentType("../x.js")).isNull();
        assertThat(DashboardFiles.contentType("a/x.js")).isNull();
        assertThat(DashboardFiles.contentType(".x.js")).isNull();
        assertThat(DashboardFiles.contentType(null)).isNull();
    }

    // ------------------------------------------------------------------ pages

    @Test
    void withoutASessionSlashIsTheSignInPageFilledInAndEscaped() throws Exception {
        WebClient.Reply reply = get("/");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("<title>shop &lt;&amp;&gt; &quot;1&quot;</title>"
                + "<p>/home/app/.vitals/shop/token-4242</p><p class=\"error\"></p>\n");
        assertThat(reply.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
        assertThat(reply.header("Set-Cookie")).isNull();
        assertSafeHeaders(reply);
    }

    @Test
    void beforeTheTokenFileIsWrittenThePageSaysWhereToLook() throws Exception {
        tokenFile.set(null);

        assertThat(get("/").body()).contains("<p>(its path is in the agent&#39;s start line)</p>");
    }

    @Test
    void afterAWrongTokenThePageSaysSo() throws Exception {
        WebClient.Reply reply = get("/?error=invalid");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("<p class=\"error\">That is not this agent&#39;s token. Copy it from the "
                + "token file below (a token of another run or another JVM does not work).</p>");
    }

    @Test
    void withASessionSlashIsTheDashboard() throws Exception {
        String session = sessions.open(TOKEN);

        WebClient.Reply reply = get("/", "Cookie", cookie() + "=" + session);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.bytes()).isEqualTo(resource(FIXTURE + "index.html"));
        assertThat(reply.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(reply.header("ETag")).as("/ is one of two pages: no validator").isNull();
        assertSafeHeaders(reply);
    }

    @Test
    void aStaleCookieGetsTheSignInPage() throws Exception {
        WebClient.Reply reply = get("/", "Cookie", cookie() + "=no-such-session");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).startsWith("<title>shop");
    }

    // ------------------------------------------------------------------ signing in and out

    @Test
    void theTokenInTheUrlOpensASessionAndLeavesTheAddressBar() throws Exception {
        WebClient.Reply reply = get("/?token=" + encoded(TOKEN));

        assertThat(reply.status()).isEqualTo(303);
        assertThat(reply.header("Location")).isEqualTo("/");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
        assertThat(reply.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(reply.headers().allValues("Set-Cookie")).hasSize(1);
        Matcher cookie = SESSION_COOKIE.matcher(reply.header("Set-Cookie"));
        assertThat(cookie.matches()).as(reply.header("Set-Cookie")).isTrue();
        assertThat(reply.header("Set-Cookie")).doesNotContain("Secure").doesNotContain("Domain");
        assertThat(Integer.parseInt(cookie.group(1))).as("the cookie is named for this agent's port")
                .isEqualTo(java.net.URI.create(server.url()).getPort());
        String session = cookie.group(2);

        assertThat(get("/", "Cookie", cookie() + "=" + session).bytes()).isEqualTo(resource(FIXTURE + "index.html"));
        assertThat(get(PROBE, "Cookie", cookie() + "=" + session).status()).isEqualTo(200);
    }

    @Test
    void aWrongTokenInTheUrlIsTheSignInPageWithAnErrorAnd401() throws Exception {
        WebClient.Reply reply = get("/?token=guess-123");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("Set-Cookie")).isNull();
        assertThat(reply.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(reply.body()).contains("<p class=\"error\">That is not this agent&#39;s token.")
                .doesNotContain("guess-123");
        assertThat(sessions.size()).isZero();
    }

    @Test
    void theFormSignsInWithA303ToSlash() throws Exception {
        WebClient.Reply reply = post("/signin", "token=" + encoded(TOKEN), "Content-Type",
                "application/x-www-form-urlencoded");

        assertThat(reply.status()).isEqualTo(303);
        assertThat(reply.header("Location")).isEqualTo("/");
        Matcher cookie = SESSION_COOKIE.matcher(reply.header("Set-Cookie"));
        assertThat(cookie.matches()).as(reply.header("Set-Cookie")).isTrue();
        assertThat(get(PROBE, "Cookie", cookie() + "=" + cookie.group(2)).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=wrong", "token=", "", "other=1", "token=%zz", "tokens=x"})
    void aWrongOrMissingTokenGoesBackToTheFormWithoutACookie(String body) throws Exception {
        WebClient.Reply reply = post("/signin", body, "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");

        assertThat(reply.status()).isEqualTo(303);
        assertThat(reply.header("Location")).isEqualTo("/?error=invalid");
        assertThat(reply.header("Set-Cookie")).isNull();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void signingInTakesAFormOnly() throws Exception {
        WebClient.Reply reply = post("/signin", "{\"token\":\"" + TOKEN + "\"}", "Content-Type", "application/json");

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.json().get("error").asText()).isEqualTo("unsupported_media_type");
        assertThat(sessions.size()).isZero();
    }

    @Test
    void signingOutEndsTheSessionAndClearsTheCookie() throws Exception {
        String session = sessions.open(TOKEN);
        String other = sessions.open(TOKEN);

        WebClient.Reply reply = post("/signout", null, "Cookie", cookie() + "=" + session);

        assertThat(reply.status()).isEqualTo(303);
        assertThat(reply.header("Location")).isEqualTo("/");
        assertThat(reply.header("Set-Cookie")).isEqualTo(cookie() + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        assertThat(get(PROBE, "Cookie", cookie() + "=" + session).status()).isEqualTo(401);
        assertThat(get(PROBE, "Cookie", cookie() + "=" + other).status()).as("another browser's").isEqualTo(200);
        assertThat(post("/signout", null).status()).as("without a session: nothing to end").isEqualTo(303);
    }

    @Test
    void templatesAreFilledInOnePassSoAValueIsNeverReadAsAPlaceholder() {
        assertThat(DashboardRoutes.fill("{{app}}|{{token_file}}|{{error}}|{{other}}", "{{token_file}}", "<p>", null))
                .isEqualTo("{{token_file}}|&lt;p&gt;||{{other}}");
        assertThat(DashboardRoutes.fill("{{error}}", "a", "b", "it's \"x\" & <y>"))
                .isEqualTo("it&#39;s &quot;x&quot; &amp; &lt;y&gt;");
    }

    @Test
    void formFieldsAreDecoded() {
        assertThat(DashboardRoutes.formField("a=1&token=x%2By+z&token=second", "token")).isEqualTo("x+y z");
        assertThat(DashboardRoutes.formField("token", "token")).isEmpty();
        assertThat(DashboardRoutes.formField("token=%", "token")).isNull();
        assertThat(DashboardRoutes.formField("tok=1", "token")).isNull();
    }

    // ------------------------------------------------------------------ the real files

    @Test
    void theRealSignInPageHasEveryPlaceholderAFormAndNoInlineCode() throws IOException {
        DashboardFiles.File page = DashboardFiles.standard().dashboard("signin.html");
        assertThat(page).as("signin.html in " + DashboardFiles.FOLDER).isNotNull();

        String html = DashboardRoutes.fill(page.text(), "shop", "/x/token-1", "bad token");

        assertThat(html).doesNotContain("{{").contains("shop", "/x/token-1", "bad token")
                .contains("<form method=\"post\" action=\"/signin\"").contains("name=\"token\"")
                .contains("href=\"/assets/signin.css\"");
        assertNoInlineCode(html);
        assertThat(DashboardFiles.standard().dashboard("signin.css")).isNotNull();
    }

    @Test
    void theRealDashboardPageUsesNoInlineCode() {
        DashboardFiles.File page = DashboardFiles.standard().dashboard("index.html");
        assertThat(page).as("index.html in " + DashboardFiles.FOLDER).isNotNull();

        assertNoInlineCode(page.text());
    }

    /** The Content-Security-Policy would block these: scripts and styles must come from files. */
    static void assertNoInlineCode(String html) {
        assertThat(html).doesNotContainPattern("(?i)<script(?![^>]*\\ssrc=)[^>]*>")
                .doesNotContainPattern("(?i)<style[\\s>]")
                .doesNotContainPattern("(?i)\\sstyle\\s*=")
                .doesNotContainPattern("(?i)\\son[a-z]+\\s*=")
                .doesNotContainPattern("(?i)javascript:");
    }

    private static void assertSafeHeaders(WebClient.Reply reply) {
        assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(reply.header("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(reply.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(reply.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(reply.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
    }

    private WebClient.Reply get(String path, String... headers) throws Exception {
        WebClient.Reply reply = client.get(path, headers);
        replies.add(reply);
        return reply;
    }

    private WebClient.Reply post(String path, String body, String... headers) throws Exception {
        WebClient.Reply reply = client.post(path, body, headers);
        replies.add(reply);
        return reply;
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = DashboardRoutesTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }

    /** This test server's session cookie name ({@code vitals_session_<port>}). */
    String cookie() {
        return Auth.cookieName(java.net.URI.create(server.url()).getPort());
    }
}
