package dev.vitals.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Json;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Requirements;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, through Selenium) against the real agent in the sample app running the
 * {@code pool-starvation} scenario (premain, H2, a sample every second, a 10 s score window).
 *
 * <ul>
 *   <li>signing in with the URL the agent prints sets an HttpOnly, SameSite=Strict cookie and takes
 *       the token out of the address bar;</li>
 *   <li>the page shows the score, health, active connections, every pool's numbers and every cache
 *       of the very sample the API serves (matched by the sample's sequence number), and the app
 *       and JVM of {@code /api/v1/health};</li>
 *   <li>it updates live: the sample sequence and uptime move on without a navigation;</li>
 *   <li>the charts' window picker works from the keyboard (Enter, Space) and every chart follows it;</li>
 *   <li>alert rules: one created through the form is served by {@code GET /api/v1/alerts/rules}; a
 *       threshold of 150 for the score shows the API's own message beside the threshold field and
 *       creates nothing; a rule is disabled, edited and deleted from the table;</li>
 *   <li>an event the starving pool fires is acknowledged with its button, and the API says so;</li>
 *   <li>at phone width the page never scrolls sideways (its wide tables scroll inside their frame);</li>
 *   <li>with the stream unreachable (the browser refuses it) the page polls, still moves on and
 *       says "reconnecting…"; once the stream is reachable again it goes back to it ("live");</li>
 *   <li>the console holds no error, but the 400 the bad threshold provoked on purpose;</li>
 *   <li>a full-page screenshot (light, and dark) is written to
 *       {@code target/dashboard-pool-starvation.png};</li>
 *   <li>last, with the application killed, the page says since when its data is stale.</li>
 * </ul>
 *
 * <p>One application and one desktop browser serve the whole class, in {@link Order}; the phone
 * test opens a second browser. Skipped (or failed with {@code VITALS_REQUIRE_ALL=true}) without
 * Chromium and chromedriver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    private static final String DETAILS = "/api/v1/performance/metrics/overview?include_details=true";
    private static final String RULES = "/api/v1/alerts/rules";
    private static final String EVENTS = "/api/v1/alerts/events?limit=200";
    private static final String HEALTH = "/api/v1/health";
    private static final String STREAM = "/api/v1/stream";
    private static final String ORDERS_POOL = "orders-pool";

    /** Where the screenshots go: the module's build folder (failsafe runs in the module's directory). */
    private static final Path SCREENSHOTS = Path.of("target");
    static final String SCREENSHOT = "dashboard-pool-starvation.png";

    /** Long enough for a sample (1 s), a throttled refresh of events (5 s) and a loaded machine. */
    private static final Duration UI = Duration.ofSeconds(30);

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    private static JavaProcess app;
    private static Vitals vitals;
    private static Browser desktop;

    @BeforeAll
    static void startTheAppAndSignIn() {
        Requirements.chromium();
        AgentOptions options = AgentOptions.of("port", "0", "app.name", "dashboard-it",
                "state.dir", jvms.newDir("state").toString(), "sample.interval", "1s", "score.window", "10s");
        app = jvms.java("pool-starvation").jar(Artifacts.sampleJar())
                .args("--scenario", "pool-starvation")
                .agent(Artifacts.agentJar(), options.toAgentArgument())
                .start();
        vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);
        // Open the page once there is a sample: before it the API answers 503, which a browser logs.
        await("the first sample", () -> vitals.get(DETAILS).status() == 200);
        desktop = Browser.desktop();
        desktop.signIn(vitals.url(), vitals.token());
        awaitData(desktop);
    }

    @AfterAll
    static void closeTheBrowser() {
        if (desktop != null) {
            desktop.close();
        }
    }

    @Test
    @Order(1)
    void signingInSetsAnHttpOnlyStrictCookieAndDropsTheTokenFromTheAddressBar() {
        assertThat(desktop.currentUrl()).isEqualTo(vitals.url().toString()).doesNotContain("token");
        Cookie session = desktop.driver().manage().getCookieNamed("vitals_session_" + vitals.url().getPort());
        assertThat(session).as("the session cookie").isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat((String) desktop.script("return document.cookie")).doesNotContain("vitals_session");
        assertThat(desktop.text("score")).isNotEqualTo("—");
    }

    @Test
    @Order(2)
    void showsTheScoreHealthPoolsAndCachesOfTheSampleTheApiServes() {
        // The starving pool's first timeouts come a few seconds after start; compare once they have.
        await("the first timeouts of " + ORDERS_POOL, () -> vitals.get(DETAILS).json().path("metrics")
                .path("connections").path(ORDERS_POOL).path("pool_exhausted_count").asLong() > 0);
        JsonNode[] pair = pageAndApiOfOneSample();
        JsonNode page = pair[0];
        JsonNode api = pair[1];
        JsonNode server = api.path("metrics").path("server_health");
        String as = "page " + page + "\nAPI " + api;

        assertThat(page.path("score").asText()).as(as).isEqualTo(score(api.path("performance_score")));
        assertThat(page.path("health").asText()).as(as).isEqualTo(api.path("system_health").asText());
        assertThat(number(page.path("active").asText())).as(as).isEqualTo(server.path("active_connections").asLong());
        assertThat(page.path("band").asText()).as(as).isEqualTo(band(api.path("performance_score").asDouble()));

        JsonNode pools = api.path("metrics").path("connections");
        assertThat(names(page.path("pools"))).as(as).containsExactlyElementsOf(fieldNames(pools));
        for (JsonNode row : page.path("pools")) {
            JsonNode pool = pools.path(row.path("name").asText());
            String poolAs = row + " vs " + pool;
            assertThat(row.path("size").asText()).as(poolAs)
                    .isEqualTo(pool.path("pool_size").asLong() + " / " + pool.path("max_pool_size").asLong());
            for (String field : List.of("active", "idle", "pending", "pool_exhausted_count", "borrows")) {
                assertThat(number(row.path(field).asText())).as(field + ": " + poolAs).isEqualTo(pool.path(field).asLong());
            }
            assertPercent(row.path("hit_rate").asText(), pool.path("hit_rate"), poolAs);
            assertDash(row.path("p99_wait_time").asText(), pool.path("p99_wait_time"), poolAs);
            assertDash(row.path("avg_wait_time").asText(), pool.path("avg_wait_time"), poolAs);
        }
        assertThat(number(pagePool(page, ORDERS_POOL).path("pool_exhausted_count").asText()))
                .as("the starving pool timed out: %s", as).isPositive();

        // Every cache, in the API's order, whatever its hit rate (a cache without lookups shows "—").
        JsonNode caches = api.path("metrics").path("caching");
        assertThat(names(page.path("caches"))).as(as).isNotEmpty().containsExactlyElementsOf(fieldNames(caches));
        for (JsonNode row : page.path("caches")) {
            JsonNode cache = caches.path(row.path("name").asText());
            String cacheAs = row + " vs " + cache;
            assertThat(number(row.path("requests").asText())).as(cacheAs).isEqualTo(cache.path("requests").asLong());
            assertThat(number(row.path("evictions").asText())).as(cacheAs).isEqualTo(cache.path("evictions").asLong());
            assertPercent(row.path("hit_rate").asText(), cache.path("hit_rate"), cacheAs);
        }

        // The score breakdown: the same components, sub-scores and statuses.
        JsonNode components = api.path("details").path("score_breakdown").path("components");
        assertThat(page.path("components").size()).as(as).isEqualTo(components.size());
        for (int i = 0; i < components.size(); i++) {
            JsonNode component = components.get(i);
            JsonNode shown = page.path("components").get(i);
            assertThat(shown.path("name").asText()).isEqualTo(component.path("name").asText());
            assertThat(shown.path("sub_score").asText()).as(as).isEqualTo(score(component.path("sub_score")));
            assertThat(shown.path("reasons").size()).as(as).isEqualTo(component.path("reasons").size());
        }
        assertThat(page.path("recommendations").size()).as(as)
                .isEqualTo(api.path("details").path("performance_recommendations").size());

        JsonNode health = vitals.get(HEALTH).json();
        assertThat(page.path("app").asText()).isEqualTo(health.path("app_name").asText()).isEqualTo("dashboard-it");
        assertThat(page.path("jvm").asText()).contains(health.path("vm_name").asText(), health.path("java_version").asText());
        assertConsoleClean(desktop);
    }

    @Test
    @Order(3)
    void updatesLiveWithoutAReload() {
        desktop.script("window.vitalsTestMarker = 'no reload since';");
        JsonNode before = snapshot(desktop);
        long sequence = before.path("sequence").asLong();
        await("the page to show two newer samples", () -> snapshot(desktop).path("sequence").asLong() >= sequence + 2);
        JsonNode after = snapshot(desktop);

        assertThat(desktop.script("return window.vitalsTestMarker")).as("the page was not reloaded")
                .isEqualTo("no reload since");
        assertThat(desktop.currentUrl()).isEqualTo(vitals.url().toString());
        assertThat(after.path("uptime").asText()).isNotEqualTo(before.path("uptime").asText());
        assertThat(after.path("sample_time").asText()).isNotEqualTo(before.path("sample_time").asText());
        assertThat(after.path("connection").asText()).as("pushed by the stream").isEqualTo("live");
        assertConsoleClean(desktop);
    }

    @Test
    @Order(4)
    void theChartWindowIsPickedFromTheKeyboard() {
        WebElement day = desktop.find(".picker button[data-hours='24']");
        day.sendKeys(Keys.ENTER);
        await("the 24 h window", () -> desktop.text("trend-note").startsWith("Mean score per 5m bucket"));
        assertThat(day.getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(desktop.find(".picker button[data-hours='1']").getAttribute("aria-pressed")).isEqualTo("false");
        for (WebElement label : desktop.findAll(".window-label")) {
            assertThat(label.getText()).isEqualTo("· last 24 h, 5m buckets");
        }

        WebElement hour = desktop.find(".picker button[data-hours='1']");
        hour.sendKeys(Keys.SPACE);
        await("the 1 h window again", () -> desktop.text("trend-note").startsWith("Mean score per 1m bucket"));
        assertThat(hour.getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(desktop.script("return document.activeElement.dataset.hours")).isEqualTo("1");
        assertConsoleClean(desktop);
    }

    @Test
    @Order(5)
    void aRuleCreatedThroughTheFormIsServedByTheApi() {
        String name = "Orders pool nearly full (browser)";
        type("rule-name", name);
        select("rule-metric", "pool_utilization");
        type("rule-resource", ORDERS_POOL);
        select("rule-condition", "greater_or_equal");
        type("rule-threshold", "0.9");
        type("rule-for_seconds", "2");
        select("rule-severity", "critical");
        type("rule-description", "created through the dashboard's form");
        desktop.find("#rule-submit").click();

        await("the form to report the new rule", () -> desktop.text("rule-status").startsWith("Created"));
        JsonNode rule = ruleNamed(name);
        assertThat(rule).as("rule %s in %s", name, vitals.get(RULES).body()).isNotNull();
        assertThat(rule.path("metric").asText()).isEqualTo("pool_utilization");
        assertThat(rule.path("resource").asText()).isEqualTo(ORDERS_POOL);
        assertThat(rule.path("condition").asText()).isEqualTo("greater_or_equal");
        assertThat(rule.path("threshold").asDouble()).isEqualTo(0.9);
        assertThat(rule.path("for_seconds").asInt()).isEqualTo(2);
        assertThat(rule.path("severity").asText()).isEqualTo("critical");
        assertThat(rule.path("description").asText()).isEqualTo("created through the dashboard's form");
        assertThat(rule.path("enabled").asBoolean()).isTrue();
        assertThat(rule.path("built_in").asBoolean()).isFalse();
        await("the new rule in the table",
                () -> !desktop.findAll("#rules-body tr[data-rule='" + rule.path("id").asText() + "']").isEmpty());
        assertThat(desktop.text("rule-name-error") + desktop.text("rule-threshold-error")).isEmpty();
        assertConsoleClean(desktop);
    }

    @Test
    @Order(6)
    void aBadThresholdShowsTheApisMessageBesideTheThresholdField() {
        int rulesBefore = vitals.get(RULES).json().path("total_rules").asInt();
        // What the API says about this threshold, asked directly.
        Response direct = vitals.post(RULES,
                "{\"name\":\"Impossible score\",\"metric\":\"performance_score\",\"condition\":\"less_than\",\"threshold\":150}");
        assertThat(direct.status()).as("%s", direct).isEqualTo(400);
        assertThat(direct.json().path("field").asText()).isEqualTo("threshold");
        String message = direct.json().path("message").asText();

        type("rule-name", "Impossible score");
        select("rule-metric", "performance_score");
        select("rule-condition", "less_than");
        type("rule-threshold", "150");
        desktop.find("#rule-submit").click();

        await("the API's message beside the threshold", () -> desktop.text("rule-threshold-error").equals(message));
        WebElement threshold = desktop.find("#rule-threshold");
        WebElement error = desktop.find("#rule-threshold-error");
        assertThat(error.isDisplayed()).isTrue();
        assertThat(desktop.script("return arguments[0].closest('.field') === arguments[1].closest('.field')", threshold, error))
                .as("the message sits in the threshold's field").isEqualTo(true);
        assertThat(threshold.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(threshold.getAttribute("aria-describedby")).contains("rule-threshold-error");
        assertThat(desktop.script("return document.activeElement.id")).as("focus moves to the field").isEqualTo("rule-threshold");
        assertThat(desktop.text("rule-name-error")).isEmpty();
        assertThat(vitals.get(RULES).json().path("total_rules").asInt()).as("nothing was created").isEqualTo(rulesBefore);

        // Fixed, the same form creates the rule and the message goes away.
        type("rule-threshold", "40");
        desktop.find("#rule-submit").click();
        await("the corrected rule", () -> desktop.text("rule-status").startsWith("Created"));
        assertThat(desktop.text("rule-threshold-error")).isEmpty();
        assertThat(ruleNamed("Impossible score").path("threshold").asDouble()).isEqualTo(40.0);
        assertConsoleClean(desktop);
    }

    @Test
    @Order(7)
    void aRuleIsDisabledEditedAndDeletedFromTheTable() {
        Response created = vitals.post(RULES, "{\"name\":\"Short-lived rule\",\"metric\":\"cache_hit_rate\","
                + "\"condition\":\"less_than\",\"threshold\":0.5}");
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String id = created.json().path("rule_id").asText();
        desktop.driver().navigate().refresh();
        awaitData(desktop);
        String row = "#rules-body tr[data-rule='" + id + "']";

        desktop.find(row + " button[role='switch']").click();
        await("the rule disabled in the API", () -> !vitals.get(RULES + "/" + id).json().path("enabled").asBoolean());
        await("the switch off", () -> "false".equals(desktop.find(row + " button[role='switch']").getAttribute("aria-checked")));

        desktop.find(row + " button[aria-label^='Edit']").click();
        assertThat(desktop.find("#rule-name").getAttribute("value")).isEqualTo("Short-lived rule");
        assertThat(desktop.find("#rule-enabled").isSelected()).isFalse();
        type("rule-threshold", "0.25");
        desktop.find("#rule-submit").click();
        await("the edit saved", () -> vitals.get(RULES + "/" + id).json().path("threshold").asDouble() == 0.25);
        assertThat(vitals.get(RULES + "/" + id).json().path("enabled").asBoolean()).as("still disabled").isFalse();

        await("the row back", () -> !desktop.findAll(row).isEmpty());
        desktop.find(row + " button[aria-label^='Delete']").click();
        await("the confirmation", () -> desktop.find("#confirm").isDisplayed());
        assertThat(desktop.text("confirm-text")).contains("Short-lived rule");
        desktop.find("#confirm-yes").click();
        await("the rule deleted in the API", () -> vitals.get(RULES + "/" + id).status() == 404);
        await("the row gone", () -> desktop.findAll(row).isEmpty());
        assertConsoleClean(desktop);
    }

    @Test
    @Order(8)
    void acknowledgingAnEventMarksItAcknowledgedInTheApi() {
        AtomicReference<String> id = new AtomicReference<>();
        await("an unacknowledged event (the starving pool fires the built-in rules)", () -> {
            for (JsonNode event : vitals.get(EVENTS).json().path("events")) {
                if (!event.path("acknowledged").asBoolean()) {
                    id.set(event.path("id").asText());
                    return true;
                }
            }
            return false;
        });
        String button = "#events-body button[data-event='" + id.get() + "']";
        await("the Acknowledge button of " + id.get(), () -> {
            desktop.find(button).click();
            return true;
        });
        await(id.get() + " acknowledged in the API", () -> event(id.get()).path("acknowledged").asBoolean());
        assertThat(event(id.get()).path("acknowledged_at").isTextual()).isTrue();
        await("the row to show it", () -> !desktop.findAll("#events-body tr[data-event='" + id.get() + "'] .acked").isEmpty());
        assertConsoleClean(desktop);
    }

    @Test
    @Order(9)
    void atPhoneWidthThePageNeverScrollsSideways() throws IOException {
        try (Browser phone = Browser.phone()) {
            phone.signIn(vitals.url(), vitals.token());
            awaitData(phone);
            await("events and rules listed", () -> !phone.findAll("#events-body tr[data-event]").isEmpty()
                    && !phone.findAll("#rules-body tr[data-rule]").isEmpty());
            long viewport = ((Number) phone.script("return document.documentElement.clientWidth")).longValue();
            long page = ((Number) phone.script("return document.documentElement.scrollWidth")).longValue();
            long body = ((Number) phone.script("return document.body.scrollWidth")).longValue();
            assertThat(viewport).as("the emulated phone's width").isEqualTo(Browser.PHONE_WIDTH);
            assertThat(page).as("the page's width at %s px", viewport).isLessThanOrEqualTo(viewport);
            assertThat(body).as("the body's width at %s px", viewport).isLessThanOrEqualTo(viewport);
            // Wide tables scroll inside their own frame instead.
            assertThat(phone.script("const w = document.querySelector('#pools .table-wrap');"
                    + " return w.scrollWidth > w.clientWidth && w.getBoundingClientRect().right <= innerWidth"))
                    .isEqualTo(true);
            Files.write(SCREENSHOTS.resolve("dashboard-phone.png"), phone.fullPageScreenshot());
            assertConsoleClean(phone);
        }
    }

    @Test
    @Order(10)
    void pollsWhileTheStreamIsUnreachableAndGoesBackToItWhenItReturns() {
        try (Browser browser = Browser.desktop()) {
            browser.blockUrls(List.of("*" + STREAM + "*"));
            browser.signIn(vitals.url(), vitals.token());
            awaitData(browser);
            await("the page to say it is reconnecting",
                    () -> snapshot(browser).path("connection").asText().equals("reconnecting…"));
            long sequence = snapshot(browser).path("sequence").asLong();
            await("polled samples to move the page on", () -> snapshot(browser).path("sequence").asLong() >= sequence + 2);
            assertThat(snapshot(browser).path("connection").asText()).as("the stream is still blocked")
                    .isEqualTo("reconnecting…");

            browser.blockUrls(List.of());
            await("the stream back (retried with backoff)", () -> snapshot(browser).path("connection").asText().equals("live"));
            long live = snapshot(browser).path("sequence").asLong();
            await("streamed samples", () -> snapshot(browser).path("sequence").asLong() > live);
            // Refused stream requests aside (Chromium may report them), no errors.
            assertThat(browser.consoleErrors(message -> message.contains(STREAM))).as("console errors").isEmpty();
        }
    }

    @Test
    @Order(11)
    void writesAFullPageScreenshotOfPoolStarvation() throws IOException {
        await("charts, recommendations and events drawn", () -> desktop.findAll("#chart-score canvas").size() == 1
                && desktop.findAll("#chart-score.no-data").isEmpty()
                && !desktop.findAll("#recommendations li.rec").isEmpty()
                && !desktop.findAll("#events-body tr[data-event]").isEmpty());
        desktop.script("window.scrollTo(0, 0)");
        Files.createDirectories(SCREENSHOTS);
        byte[] light = desktop.fullPageScreenshot();
        Files.write(SCREENSHOTS.resolve(SCREENSHOT), light);
        assertPng(light, Browser.DESKTOP_WIDTH);

        desktop.emulateColorScheme("dark");
        try {
            await("the dark scheme", () -> "rgb(14, 17, 22)".equals(
                    desktop.script("return getComputedStyle(document.body).backgroundColor")));
            byte[] dark = desktop.fullPageScreenshot();
            Files.write(SCREENSHOTS.resolve("dashboard-pool-starvation-dark.png"), dark);
            assertPng(dark, Browser.DESKTOP_WIDTH);
        } finally {
            desktop.emulateColorScheme("light");
        }
        assertConsoleClean(desktop);
    }

    @Test
    @Order(12)
    void theConsoleHeldNoErrorButTheOneProvokedOnPurpose() {
        List<String> errors = desktop.consoleErrors(DashboardBrowserIT::provoked);
        assertThat(errors).as("console errors over the whole run: %s", desktop.consoleEntries()).isEmpty();
    }

    /** Last, as it ends the application: without samples the page says since when its data is stale. */
    @Test
    @Order(13)
    void saysSinceWhenTheDataIsStaleWhenTheApplicationIsGone() {
        app.kill();
        await("the stream to drop", () -> !snapshot(desktop).path("connection").asText().equals("live"));
        // Three sampling intervals (3 s) after the last sample.
        await("the page to call its data stale", () -> snapshot(desktop).path("connection").asText().startsWith("stale since "));
        String connection = snapshot(desktop).path("connection").asText();
        assertThat(connection).matches("stale since \\d\\d:\\d\\d:\\d\\d");
        assertThat(desktop.find("#conn").getAttribute("class")).contains("conn-stale");
        // The time is the newest sample's, the one the header still shows.
        assertThat(connection).isEqualTo("stale since " + snapshot(desktop).path("sample_time").asText());
    }

    // ---------------------------------------------------------------- the page

    /**
     * What the page shows, read in one script so that it is one rendering: the sample's sequence,
     * the header, each pool's and cache's row (cells by {@code data-field}), the breakdown.
     */
    private static JsonNode snapshot(Browser browser) {
        String json = (String) browser.script(String.join("\n",
                "const text = (id) => document.getElementById(id).textContent.trim();",
                "const rows = (selector, key) => [...document.querySelectorAll(selector)].map((tr) => {",
                "  const row = {name: tr.dataset[key]};",
                "  tr.querySelectorAll('[data-field]').forEach((td) => { row[td.dataset.field] = td.textContent.trim(); });",
                "  return row; });",
                "return JSON.stringify({",
                "  sequence: document.getElementById('sample-seq').dataset.sequence,",
                "  sample_time: text('sample-time'), score: text('score'), band: document.getElementById('score').className,",
                "  health: text('health'), active: text('active-connections'), uptime: text('uptime'),",
                "  connection: text('conn-text'), app: text('app-name'), jvm: text('jvm'),",
                "  pools: rows('#pools-body tr[data-pool]', 'pool'), caches: rows('#caches-body tr[data-cache]', 'cache'),",
                "  components: [...document.querySelectorAll('#components .component')].map((c) => ({",
                "    name: c.dataset.component, sub_score: c.querySelector('.sub-score').textContent.trim(),",
                "    reasons: [...c.querySelectorAll('.reasons li')].map((li) => li.textContent) })),",
                "  recommendations: [...document.querySelectorAll('#recommendations li.rec')].map((li) => li.dataset.rec),",
                "});"));
        return Json.parse(json);
    }

    /** The page and the overview of one sample: read both until their sequence numbers agree. */
    private static JsonNode[] pageAndApiOfOneSample() {
        AtomicReference<JsonNode[]> pair = new AtomicReference<>();
        await("the page and the API on one sample", () -> {
            JsonNode page = snapshot(desktop);
            JsonNode api = vitals.get(DETAILS).json();
            pair.set(new JsonNode[] {page, api});
            return !page.path("sequence").asText().isEmpty() && page.path("sequence").asLong()
                    == api.path("metrics").path("server_health").path("sample").path("sequence").asLong();
        });
        return pair.get();
    }

    private static void awaitData(Browser browser) {
        await("the dashboard to show a sample", () -> !snapshot(browser).path("sequence").asText().isEmpty()
                && !browser.findAll("#pools-body tr[data-pool]").isEmpty()
                && !browser.findAll("#rules-body tr[data-rule]").isEmpty());
    }

    private static void type(String id, String text) {
        WebElement field = desktop.find("#" + id);
        field.clear();
        field.sendKeys(text);
    }

    private static void select(String id, String value) {
        new Select(desktop.find("#" + id)).selectByValue(value);
    }

    private static JsonNode pagePool(JsonNode page, String name) {
        for (JsonNode row : page.path("pools")) {
            if (row.path("name").asText().equals(name)) {
                return row;
            }
        }
        throw new AssertionError("no row for pool " + name + " in " + page);
    }

    private static void assertConsoleClean(Browser browser) {
        assertThat(browser.consoleErrors(DashboardBrowserIT::provoked)).as("console errors").isEmpty();
    }

    /** The one console error the tests cause on purpose: the 400 of the rule with a bad threshold. */
    private static boolean provoked(String message) {
        return message.contains("/api/v1/alerts/rules ") && message.contains("status of 400");
    }

    // ---------------------------------------------------------------- the API

    private static JsonNode ruleNamed(String name) {
        for (JsonNode rule : vitals.get(RULES).json().path("rules")) {
            if (rule.path("name").asText().equals(name)) {
                return rule;
            }
        }
        return null;
    }

    private static JsonNode event(String id) {
        for (JsonNode event : vitals.get(EVENTS).json().path("events")) {
            if (event.path("id").asText().equals(id)) {
                return event;
            }
        }
        throw new AssertionError("no event " + id);
    }

    // ---------------------------------------------------------------- formats

    /** The score as the page prints it: one decimal, "—" for null (the API rounds it to 0.1 already). */
    private static String score(JsonNode value) {
        return value.isNumber() ? String.format(Locale.ROOT, "%.1f", value.asDouble()) : "—";
    }

    /** The band class the thresholds table gives a score: an edge belongs to the better band. */
    private static String band(double score) {
        JsonNode row = null;
        for (JsonNode threshold : vitals.get("/api/v1/performance/metrics/alerts").json().path("thresholds")) {
            if (threshold.path("metric").asText().equals("performance_score")) {
                row = threshold;
            }
        }
        assertThat(row).as("the performance_score row of the thresholds").isNotNull();
        String band = score >= row.path("target").asDouble() ? "target"
                : score >= row.path("good").asDouble() ? "good"
                : score >= row.path("critical").asDouble() ? "warning" : "critical";
        return "score band-" + band;
    }

    /** A count as the page prints it (with thousands separators), as a number. */
    private static long number(String text) {
        assertThat(text).matches("[0-9,]+");
        return Long.parseLong(text.replace(",", ""));
    }

    /** A 0–1 ratio printed as a percentage with one decimal, or "—" for null. */
    private static void assertPercent(String shown, JsonNode ratio, String as) {
        if (ratio.isNull() || ratio.isMissingNode()) {
            assertThat(shown).as(as).isEqualTo("—");
            return;
        }
        assertThat(shown).as(as).endsWith("%");
        double percent = Double.parseDouble(shown.substring(0, shown.length() - 1));
        assertThat(percent).as(as).isCloseTo(ratio.asDouble() * 100, within(0.051));
    }

    /** A duration: "—" exactly when the API has none. */
    private static void assertDash(String shown, JsonNode value, String as) {
        assertThat(shown.equals("—")).as(as).isEqualTo(!value.isNumber());
    }

    private static List<String> names(JsonNode rows) {
        List<String> names = new ArrayList<>();
        rows.forEach(row -> names.add(row.path("name").asText()));
        return names;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** A PNG of {@code width} pixels and more than a screen's height (the whole page). */
    private static void assertPng(byte[] png, int width) {
        assertThat(png).hasSizeGreaterThan(24);
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        ByteBuffer header = ByteBuffer.wrap(png, 16, 8);
        assertThat(header.getInt()).as("width").isEqualTo(width);
        assertThat(header.getInt()).as("height: the whole page").isGreaterThan(Browser.DESKTOP_HEIGHT);
    }

    private static void await(String what, Callable<Boolean> condition) {
        try {
            Awaitility.await(what).atMost(UI).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            Map<String, Object> state = new LinkedHashMap<>();
            if (desktop != null) {
                state.put("console", desktop.consoleEntries());
            }
            throw new AssertionError("timed out waiting for " + what + " within " + UI + "; " + state, e);
        }
    }
}
