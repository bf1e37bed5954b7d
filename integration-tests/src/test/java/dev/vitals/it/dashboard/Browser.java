package dev.vitals.it.dashboard;

import dev.vitals.it.harness.Requirements;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Chromium (the Debian package, {@link Requirements#CHROMIUM}) driven through the
 * system's chromedriver ({@link Requirements#CHROMEDRIVER}) with Selenium.
 *
 * <p>Nothing is downloaded: the driver executable is given to the service, which makes Selenium
 * skip Selenium Manager altogether (and {@code SE_OFFLINE} stops it if it ever runs), and the
 * browser is started with its background networking (updates, sync, metrics, default apps) off, so
 * the only requests it makes are the test's, to the agent on loopback.
 *
 * <p>The browser's console is recorded ({@code goog:loggingPrefs} browser=ALL) and collected by
 * {@link #consoleEntries()}; a profile of its own lives in a temporary directory removed on
 * {@link #close()}.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class Browser implements AutoCloseable {

    /** The laptop screen the dashboard is designed for. */
    static final int DESKTOP_WIDTH = 1366;
    static final int DESKTOP_HEIGHT = 900;
    /** A phone held upright (CSS pixels). */
    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;

    private final WebDriver driver;
    private final Path profile;
    private final List<LogEntry> console = new ArrayList<>();

    private Browser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A browser window of a laptop's size. */
    static Browser desktop() {
        return start(false);
    }

    /** A phone-sized viewport, emulated as a mobile device (viewport meta tag honoured, touch). */
    static Browser phone() {
        return start(true);
    }

    private static Browser start(boolean phone) {
        Requirements.chromium();
        // Belt and braces: Selenium hands SE_* system properties to Selenium Manager as its
        // environment, so if it ever ran, it would not go online.
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", Requirements.CHROMEDRIVER.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("vitals-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Requirements.CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                // CI runs as root, where Chromium's sandbox cannot start.
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--user-data-dir=" + profile,
                "--window-size=" + (phone ? PHONE_WIDTH + "," + PHONE_HEIGHT : DESKTOP_WIDTH + "," + DESKTOP_HEIGHT),
                "--hide-scrollbars",
                "--force-color-profile=srgb",
                "--lang=en-US",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-sync",
                "--metrics-recording-only",
                "--disable-features=Translate,OptimizationHints,MediaRouter");
        if (phone) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("width", PHONE_WIDTH);
            metrics.put("height", PHONE_HEIGHT);
            metrics.put("pixelRatio", 2.0);
            metrics.put("mobile", true);
            metrics.put("touch", true);
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics", metrics));
        }
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Requirements.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile);
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens the URL the agent prints to sign in: {@code <base>?token=<token>}. */
    void signIn(URI base, String token) {
        driver.get(base + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    String currentUrl() {
        return driver.getCurrentUrl();
    }

    /** Runs {@code script} (a function body; {@code arguments[i]} are the args) in the page. */
    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Text of the element with this id, as the page shows it (trimmed). */
    String text(String id) {
        return driver.findElement(By.id(id)).getText().trim();
    }

    /**
     * Every console entry since the browser started (errors, warnings, failed requests), in order.
     * Chromium hands each entry out once; this keeps them all.
     */
    List<LogEntry> consoleEntries() {
        driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
        return List.copyOf(console);
    }

    /** The console's SEVERE entries (errors) that {@code expected} does not excuse, as text. */
    List<String> consoleErrors(Predicate<String> expected) {
        return consoleEntries().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(expected.negate())
                .toList();
    }

    /**
     * A PNG of the whole page, beyond the viewport (Chrome DevTools {@code Page.captureScreenshot}
     * with {@code captureBeyondViewport}), at one image pixel per device pixel.
     */
    byte[] fullPageScreenshot() {
        HasCdp cdp = (HasCdp) driver;
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) cdp.executeCdpCommand("Page.getLayoutMetrics", Map.of())
                .get("cssContentSize");
        Map<String, Object> clip = new LinkedHashMap<>();
        clip.put("x", 0);
        clip.put("y", 0);
        clip.put("width", ((Number) size.get("width")).doubleValue());
        clip.put("height", ((Number) size.get("height")).doubleValue());
        clip.put("scale", 1);
        Map<String, Object> shot = cdp.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        return Base64.getDecoder().decode((String) shot.get("data"));
    }

    /**
     * Makes the browser refuse every request whose URL matches one of {@code patterns} ({@code *}
     * is a wildcard), as if the network failed; an empty list lifts the block.
     */
    void blockUrls(List<String> patterns) {
        HasCdp cdp = (HasCdp) driver;
        cdp.executeCdpCommand("Network.enable", Map.of());
        cdp.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", patterns));
    }

    /** Makes the page see {@code prefers-color-scheme: <scheme>} ({@code light} or {@code dark}). */
    void emulateColorScheme(String scheme) {
        ((HasCdp) driver).executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("[it] could not delete the browser profile " + profile + ": " + e);
            }
        }
    }
}
