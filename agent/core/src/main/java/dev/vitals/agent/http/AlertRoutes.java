package dev.vitals.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.agent.alert.AlertEngine;
import dev.vitals.agent.alert.AlertEvent;
import dev.vitals.agent.alert.AlertRule;
import dev.vitals.agent.alert.Notifier;
import dev.vitals.agent.alert.RuleException;
import dev.vitals.agent.alert.RuleStore;
import dev.vitals.agent.alert.RuleValidator;
import dev.vitals.agent.sampling.Sample;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The alert rules API ({@code /api/v1/alerts/...}): rule CRUD, checking the rules now, events and
 * their acknowledgement, and a test notification. Bodies are JSON objects of at most 64 KiB;
 * every mistake is a 4xx naming the field, never a 500.
 *
 * <p>Thread-safe: the store, engine and notifier are; this class keeps only a volatile reference
 * to them, set once alerting is open.
 */
public final class AlertRoutes implements Routes {

    /** Rules a JVM may have: evaluation cost and the rules file stay bounded. */
    static final int MAX_RULES = 1_000;

    /** Events a single request may list. */
    static final int MAX_EVENTS = 10_000;
    static final int DEFAULT_EVENTS = 100;

    public record Rules(List<AlertRule> rules, int totalRules, long enabledRules) {
    }

    public record Created(String message, String ruleId, AlertRule rule) {
    }

    public record Updated(String message, AlertRule rule) {
    }

    public record Deleted(String message, String ruleId) {
    }

    public record Checked(String timestamp, String sampleTimestamp, int rulesChecked,
            List<AlertEngine.Evaluation> results) {
    }

    public record Events(List<AlertEvent> events, int totalEvents, long unacknowledgedEvents) {
    }

    public record Acknowledged(String message, AlertEvent event) {
    }

    /** What the routes work with, once alerting is open. */
    private record Alerting(RuleStore store, AlertEngine engine, Notifier notifier) {
    }

    /** How long a request waits for alerting to open before it is answered 503. */
    static final long OPEN_WAIT_MILLIS = 10_000;

    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile Alerting alerting;
    private volatile String unavailable = "alert rules are still being loaded; try again in a moment";
    private final LatestSample latest;
    private final Clock clock;
    private final Responses responses;
    private final Runnable openOnDemand;

    /**
     * @param latest the sampler's newest sample (check-rules evaluates it)
     * @param interval {@code sample.interval}, quoted while there is no sample yet
     * @param openOnDemand opens alerting (then calls {@link #open} or {@link #failed}) if it is not
     *     yet: run by the first request that finds it closed, on its worker thread
     */
    public AlertRoutes(Supplier<Sample> latest, Duration interval, Clock clock, Responses responses,
            Runnable openOnDemand) {
        this.latest = new LatestSample(latest, interval, responses);
        this.clock = clock;
        this.responses = responses;
        this.openOnDemand = openOnDemand;
    }

    /**
     * Alerting is open: the routes answer from now on. The agent opens the rule store just after
     * its server is up (see {@code VitalsRuntime}): a request that comes sooner opens it itself,
     * on its worker thread, or waits while another thread does, at most
     * {@link #OPEN_WAIT_MILLIS}, then is answered 503 {@code alerts_unavailable}.
     */
    public void open(RuleStore store, AlertEngine engine, Notifier notifier) {
        alerting = new Alerting(store, engine, notifier);
        opened.countDown();
    }

    /** Alerting could not be opened: the routes answer 503 with {@code why}. */
    public void failed(String why) {
        unavailable = "alerting is off: " + why;
        opened.countDown();
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/alerts/rules", whenOpen(this::listRules));
        routing.post("/api/v1/alerts/rules", whenOpen(this::createRule));
        routing.get("/api/v1/alerts/rules/{id}", whenOpen(this::getRule));
        routing.put("/api/v1/alerts/rules/{id}", whenOpen(this::updateRule));
        routing.delete("/api/v1/alerts/rules/{id}", whenOpen(this::deleteRule));
        routing.post("/api/v1/alerts/check-rules", whenOpen(this::checkRules));
        routing.get("/api/v1/alerts/events", whenOpen(this::listEvents));
        routing.post("/api/v1/alerts/events/{id}/acknowledge", whenOpen(this::acknowledge));
        routing.post("/api/v1/alerts/test-webhook", whenOpen(this::testWebhook));
    }

    private void listRules(HttpServerExchange exchange, Alerting current) {
        List<AlertRule> rules = current.store().rules();
        responses.json(exchange, 200, new Rules(rules, rules.size(), rules.stream().filter(AlertRule::enabled).count()));
    }

    private void createRule(HttpServerExchange exchange, Alerting current) {
        JsonNode body = body(exchange);
        if (body == null) {
            return;
        }
        if (current.store().rules().size() >= MAX_RULES) {
            responses.error(exchange, 400, "too_many_rules", "there are already " + MAX_RULES
                    + " rules, the most a JVM may have; delete some first", null);
            return;
        }
        AlertRule rule;
        try {
            rule = RuleValidator.create(body, RuleValidator.newId(), clock.instant());
        } catch (RuleException e) {
            invalid(exchange, e);
            return;
        }
        current.store().putRule(rule);
        responses.json(exchange, 201, new Created("rule created", rule.id(), rule));
    }

    private void getRule(HttpServerExchange exchange, Alerting current) {
        AlertRule rule = ruleOrNotFound(exchange, current.store());
        if (rule != null) {
            responses.json(exchange, 200, rule);
        }
    }

    private void updateRule(HttpServerExchange exchange, Alerting current) {
        AlertRule existing = ruleOrNotFound(exchange, current.store());
        if (existing == null) {
            return;
        }
        JsonNode body = body(exchange);
        if (body == null) {
            return;
        }
        AlertRule rule;
        try {
            rule = RuleValidator.update(existing, body, clock.instant());
        } catch (RuleException e) {
            invalid(exchange, e);
            return;
        }
        current.store().putRule(rule);
        if (existing.enabled() && !rule.enabled()) {
            current.engine().ruleWithdrawn(rule.id(), "rule disabled");
        }
        responses.json(exchange, 200, new Updated("rule updated", rule));
    }

    private void deleteRule(HttpServerExchange exchange, Alerting current) {
        AlertRule rule = ruleOrNotFound(exchange, current.store());
        if (rule == null) {
            return;
        }
        current.store().deleteRule(rule.id());
        current.engine().ruleWithdrawn(rule.id(), "rule deleted");
        responses.json(exchange, 200, new Deleted("rule deleted", rule.id()));
    }

    private void checkRules(HttpServerExchange exchange, Alerting current) {
        Sample sample = latest.orAnswerUnavailable(exchange);
        if (sample == null) {
            return;
        }
        List<AlertEngine.Evaluation> results = current.engine().check(sample);
        int rules = (int) results.stream().map(AlertEngine.Evaluation::ruleId).distinct().count();
        responses.json(exchange, 200, new Checked(clock.instant().toString(), sample.time().toString(), rules, results));
    }

    private void listEvents(HttpServerExchange exchange, Alerting current) {
        int limit;
        String severity;
        Boolean acknowledged;
        String status;
        try {
            limit = QueryRoutes.limit(first(exchange, "limit"), DEFAULT_EVENTS, MAX_EVENTS);
            severity = oneOf(exchange, "severity", List.of("info", "warning", "error", "critical"));
            String ack = oneOf(exchange, "acknowledged", List.of("true", "false"));
            acknowledged = ack == null ? null : Boolean.valueOf(ack);
            status = oneOf(exchange, "status", List.of(AlertEvent.FIRING, AlertEvent.RESOLVED));
        } catch (BadParameterException e) {
            responses.error(exchange, 400, "bad_parameter", e.getMessage(), e.field());
            return;
        }
        List<AlertEvent> all = current.store().events();
        List<AlertEvent> matching = all.stream()
                .filter(e -> severity == null || e.severity().equals(severity))
                .filter(e -> acknowledged == null || e.acknowledged() == acknowledged)
                .filter(e -> status == null || e.status().equals(status))
                .toList();
        long unacknowledged = all.stream().filter(e -> !e.acknowledged()).count();
        responses.json(exchange, 200, new Events(matching.subList(0, Math.min(limit, matching.size())),
                matching.size(), unacknowledged));
    }

    private void acknowledge(HttpServerExchange exchange, Alerting current) {
        String id = exchange.getQueryParameters().get("id").getFirst();
        AlertEvent event = current.engine().acknowledge(id);
        if (event == null) {
            responses.error(exchange, 404, "not_found", "there is no alert event '" + id
                    + "'; GET /api/v1/alerts/events lists them", "id");
            return;
        }
        responses.json(exchange, 200, new Acknowledged("event acknowledged", event));
    }

    private void testWebhook(HttpServerExchange exchange, Alerting current) {
        JsonNode body = body(exchange);
        if (body == null) {
            return;
        }
        RuleValidator.TestTarget target;
        try {
            target = RuleValidator.testTarget(body);
        } catch (RuleException e) {
            invalid(exchange, e);
            return;
        }
        responses.json(exchange, 200, current.notifier().testWebhook(target.url(), target.format(), target.routingKey()));
    }

    // ---- helpers ----

    /** A route's work on open alerting. */
    private interface AlertingHandler {
        void handle(HttpServerExchange exchange, Alerting alerting);
    }

    /** Runs {@code handler} once alerting is open: waits for it, or answers 503. */
    private HttpHandler whenOpen(AlertingHandler handler) {
        return exchange -> {
            if (opened.getCount() > 0) {
                openOnDemand.run();
            }
            try {
                opened.await(OPEN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server is stopping: answer at once
            }
            Alerting current = alerting;
            if (current == null) {
                responses.error(exchange, 503, "alerts_unavailable", unavailable, null);
                return;
            }
            handler.handle(exchange, current);
        };
    }

    private AlertRule ruleOrNotFound(HttpServerExchange exchange, RuleStore store) {
        String id = exchange.getQueryParameters().get("id").getFirst();
        AlertRule rule = store.rule(id).orElse(null);
        if (rule == null) {
            responses.error(exchange, 404, "not_found", "there is no alert rule '" + id
                    + "'; GET /api/v1/alerts/rules lists them", "id");
        }
        return rule;
    }

    /** The request's JSON body, or null after answering 400/413. */
    private JsonNode body(HttpServerExchange exchange) {
        byte[] bytes;
        try (InputStream in = exchange.getInputStream()) {
            bytes = in.readNBytes((int) Server.MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            // Undertow enforces MAX_ENTITY_SIZE on chunked bodies while they are read.
            tooBig(exchange);
            return null;
        }
        if (bytes.length > Server.MAX_BODY_BYTES) {
            tooBig(exchange);
            return null;
        }
        if (bytes.length == 0) {
            responses.error(exchange, 400, "invalid_json", "the request needs a JSON object body", null);
            return null;
        }
        try {
            // NaN and Infinity parse (as numbers) so that the validator refuses them naming the field:
            // clients such as Python's json module write them.
            JsonNode node = responses.mapper().reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).readTree(bytes);
            if (node == null || !node.isObject()) {
                responses.error(exchange, 400, "invalid_json", "the body must be a JSON object ({...})", null);
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            responses.error(exchange, 400, "invalid_json", "the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", null);
            return null;
        } catch (IOException e) {
            responses.error(exchange, 400, "invalid_json", "the body could not be read: " + e.getMessage(), null);
            return null;
        }
    }

    private void tooBig(HttpServerExchange exchange) {
        responses.error(exchange, 413, "body_too_large",
                "the body is larger than " + Server.MAX_BODY_BYTES / 1024 + " KiB", null);
    }

    private void invalid(HttpServerExchange exchange, RuleException e) {
        responses.error(exchange, e.status(), e.status() == 413 ? "body_too_large" : "invalid_rule", e.getMessage(),
                e.field());
    }

    private static String first(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static String oneOf(HttpServerExchange exchange, String name, List<String> allowed)
            throws BadParameterException {
        String value = first(exchange, name);
        if (value != null && !allowed.contains(value)) {
            throw new BadParameterException(name, name + " must be one of " + String.join(", ", allowed) + "; got '"
                    + value + "'");
        }
        return value;
    }
}
