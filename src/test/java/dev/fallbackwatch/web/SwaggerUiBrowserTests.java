package dev.fallbackwatch.web;

import static dev.fallbackwatch.testing.PostgresIntegrationTest.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.fallbackwatch.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.pagefactory.ByChained;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Swagger UI as a person sees it: the whole service on a real port, opened in headless Chromium, with the
 * sample batch sent through "Try it out". Skipped where Debian's chromium and chromium-driver are not installed.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "fallbackwatch.detection.schedule-enabled=false",
            "fallbackwatch.retention.schedule-enabled=false",
            // The same admin key as the other tests' service: the service keeps one configured key, and
            // another value here would revoke theirs in the shared database.
            "fallbackwatch.security.admin-key=" + ADMIN_KEY,
            // The test drives the browser over WebDriver only, so Selenium's note that it has no DevTools
            // (CDP) bindings for this Chromium version is noise.
            "logging.level.org.openqa.selenium.devtools=error",
            "logging.level.org.openqa.selenium.chromium=error"
        })
class SwaggerUiBrowserTests {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final Path SCREENSHOT = Path.of("target", "swagger-ui", "swagger-ui.png");

    /**
     * Flags for a headless browser on a machine without a display or outside network: no sandbox (tests may run
     * as root), and none of the background calls home that would only wait for refused connections.
     */
    private static final List<String> HEADLESS = List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync");

    /** An operation's method and path as Swagger UI lays them out in its summary line. */
    private static final Pattern OPERATION = Pattern.compile(
            "class=\"opblock-summary-method\">([A-Z]+)</span>.*?class=\"opblock-summary-path\" data-path=\"([^\"]+)\"",
            Pattern.DOTALL);

    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path profile;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase database = TestDatabase.get();
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
    }

    @BeforeEach
    void chromiumIsInstalledAndNoEventsAreStored() {
        // Checked per test rather than once per class, so that a machine without the browser reports the
        // tests as skipped instead of leaving them out of the counts.
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed at " + CHROMIUM);
        jdbc.execute("TRUNCATE network_event, finding, detection_run RESTART IDENTITY CASCADE");
    }

    @Test
    void rendersAnOperationBlockForEveryEndpoint() throws Exception {
        String dom = dumpDom(swaggerUi());

        assertThat(operations(dom))
                .contains(
                        "POST /api/v1/events",
                        "POST /api/v1/detection/runs",
                        "GET /api/v1/detection/runs",
                        "GET /api/v1/detection/runs/{id}",
                        "GET /api/v1/findings",
                        "GET /api/v1/findings/{id}");
    }

    @Test
    void storesTheSampleBatchSentThroughTryItOut() throws IOException {
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "Debian's chromium-driver is not installed at " + CHROMEDRIVER);
        By ingest = By.xpath("//div[contains(@class, 'opblock-post')]"
                + "[.//*[contains(@class, 'opblock-summary-path') and @data-path='/api/v1/events']]");
        WebDriver browser = startBrowser();
        String responseBody;
        try {
            browser.get(swaggerUi());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

            wait.until(elementToBeClickable(within(ingest, ".opblock-summary-control")))
                    .click();
            authorizeWhereAsked(browser, wait);
            wait.until(elementToBeClickable(within(ingest, ".try-out__btn"))).click();
            wait.until(elementToBeClickable(within(ingest, ".execute"))).click();
            // The header row of the table has a status column too; the answer is in the row below it.
            By status = within(ingest, ".live-responses-table tr.response .response-col_status");
            wait.until(textToBePresentInElementLocated(status, "200"));
            responseBody = browser.findElement(within(ingest, ".live-responses-table tr.response .highlight-code pre"))
                    .getText();
        } finally {
            // Taken whether or not the steps above passed: on a failure it shows how far the page got.
            saveScreenshot(browser, ingest);
            browser.quit();
        }

        Matcher accepted = ACCEPTED.matcher(responseBody);
        assertThat(accepted.find()).as(responseBody).isTrue();
        Long stored = jdbc.queryForObject("SELECT count(*) FROM network_event", Long.class);
        assertThat(stored).isPositive().isEqualTo(Long.parseLong(accepted.group(1)));
    }

    /**
     * Enters the admin key in Swagger UI's Authorize dialog, as a person would, when the API description
     * declares a bearer credential; a service without authentication shows no such dialog.
     */
    private static void authorizeWhereAsked(WebDriver browser, WebDriverWait wait) {
        List<WebElement> authorize = browser.findElements(By.cssSelector(".scheme-container .btn.authorize"));
        if (authorize.isEmpty()) {
            return;
        }
        authorize.get(0).click();
        wait.until(visibilityOfElementLocated(By.id("auth-bearer-value"))).sendKeys(ADMIN_KEY);
        browser.findElement(By.cssSelector(".auth-btn-wrapper .btn.authorize")).click();
        wait.until(elementToBeClickable(By.cssSelector(".auth-btn-wrapper .btn-done")))
                .click();
    }

    private static By within(By parent, String css) {
        return new ByChained(parent, By.cssSelector(css));
    }

    private String swaggerUi() {
        return "http://127.0.0.1:" + port + "/swagger-ui/index.html";
    }

    /** The page's DOM once its scripts have run, as chromium's own --dump-dom prints it. */
    private String dumpDom(String url) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(CHROMIUM.toString());
        command.addAll(HEADLESS);
        command.add("--user-data-dir=" + profile);
        // Virtual time skips idle waits: Swagger UI's scripts get 8 s of page time, which takes far less.
        command.add("--virtual-time-budget=8000");
        command.add("--dump-dom");
        command.add(url);
        // Output goes to files, so a browser that hangs is ended at the deadline instead of blocking a read.
        Path dom = profile.resolve("dom.html");
        Path log = profile.resolve("chromium.log");
        Process chromium = new ProcessBuilder(command)
                .redirectOutput(dom.toFile())
                .redirectError(log.toFile())
                .start();
        if (!chromium.waitFor(30, TimeUnit.SECONDS)) {
            chromium.destroyForcibly().waitFor();
        }
        assertThat(chromium.exitValue()).as(Files.readString(log)).isZero();
        return Files.readString(dom, StandardCharsets.UTF_8);
    }

    private static List<String> operations(String dom) {
        List<String> operations = new ArrayList<>();
        Matcher matcher = OPERATION.matcher(dom);
        while (matcher.find()) {
            operations.add(matcher.group(1) + " " + matcher.group(2));
        }
        return operations;
    }

    private WebDriver startBrowser() {
        ChromeOptions options = new ChromeOptions();
        // Both paths given, so Selenium does not look for a browser or driver to download.
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(HEADLESS);
        // Tall enough for the whole ingest operation, response included, in one screenshot.
        options.addArguments("--user-data-dir=" + profile, "--window-size=1280,2400");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(driver, options);
    }

    /**
     * Saves the ingest operation with its request and response, kept by the build as an artifact; the whole
     * window when the operation is not on the page.
     */
    private static void saveScreenshot(WebDriver browser, By operation) throws IOException {
        List<WebElement> found = browser.findElements(operation);
        byte[] png;
        if (found.isEmpty()) {
            png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        } else {
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView(true)", found.get(0));
            png = found.get(0).getScreenshotAs(OutputType.BYTES);
        }
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, png);
    }
}
