package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.agent.alert.ActiveAlert;
import dev.vitals.agent.alert.ThresholdAlerts;
import dev.vitals.agent.sampling.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThresholdAlertRoutesTest {

    static final String PATH = "/api/v1/performance/metrics/alerts";

    final AtomicReference<Sample> latest = new AtomicReference<>();
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(new ThresholdAlertRoutes(latest::get, Duration.ofMillis(1500), new Responses()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void beforeTheFirstSampleAnswers503WithTheInterval() throws Exception {
        TestServer.Reply reply = server.get(PATH);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(reply.body().get("error").asText()).isEqualTo("no_sample_yet");
        assertThat(reply.body().get("message").asText()).isEqualTo("no sample has been taken yet; samples are taken "
                + "every 1.5 s (sample.interval), try again after the first one");
        assertThat(reply.body().get("field").isNull()).isTrue();
    }

    @Test
    void everyCrossedThresholdOfTheWindowCriticalFirst() throws Exception {
        latest.set(Samples.troubled());

        TestServer.Reply reply = server.get(PATH);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.body();
        assertThat(OverviewRoutesTest.fieldNames(body))
                .containsExactly("timestamp", "window_seconds", "active_alerts", "thresholds", "alert_count");
        assertThat(body.get("timestamp").asText()).isEqualTo("2025-03-01T11:59:56Z");
        assertThat(body.get("window_seconds").asDouble()).isEqualTo(300.0);
        assertThat(body.get("alert_count").asInt()).isEqualTo(8);
        List<String> rows = new ArrayList<>();
        for (JsonNode a : body.get("active_alerts")) {
            rows.add(a.get("severity").asText() + " " + a.get("metric").asText() + " " + a.get("resource").asText()
                    + " " + a.get("current_value").asDouble() + " " + a.get("threshold").asDouble());
        }
        assertThat(rows).containsExactly(
                "critical performance_score system 14.0 70.0",
                "critical availability system 0.985 0.99",
                "critical connection_wait pool:orders 0.812 0.5",
                "critical pool_timeouts pool:orders 14.0 0.0",
                "critical pending_threads pool:orders 0.6 0.5",
                "critical query_p99_time sql 1.8 1.0",
                "warning cache_hit_rate cache:customers 0.75 0.85",
                "warning error_rate sql 0.015 0.01");
        assertThat(body.get("active_alerts").get(2).toString()).isEqualTo("{\"metric\":\"connection_wait\","
                + "\"resource\":\"pool:orders\",\"current_value\":0.812,\"threshold\":0.5,\"severity\":\"critical\","
                + "\"message\":\"pool orders: p99 connection wait 0.812 s is past the critical edge 0.5 s\","
                + "\"rule_id\":null}");
    }

    @Test
    void theThresholdsTableIsServedWithEveryEdge() throws Exception {
        latest.set(Samples.empty());

        JsonNode body = server.get(PATH).body();

        assertThat(body.get("active_alerts").size()).isZero();
        assertThat(body.get("alert_count").asInt()).isZero();
        assertThat(body.get("thresholds").toString())
                .isEqualTo(new Responses().mapper().writeValueAsString(ThresholdAlerts.thresholds()));
        assertThat(body.get("thresholds").get(2).toString()).isEqualTo("{\"metric\":\"connection_wait\","
                + "\"resource\":\"pool:*\",\"unit\":\"seconds\",\"higher_is_better\":false,\"target\":0.05,"
                + "\"good\":0.1,\"critical\":0.5,\"rule\":\"each pool's p99 wait for a connection in the window, else "
                + "its mean; none without borrows\"}");
        assertThat(body.get("thresholds").get(3).get("good").isNull()).isTrue();
    }

    @Test
    void firingRulesJoinTheListWorstFirst() {
        ActiveAlert info = new ActiveAlert("slow_query_count", "system", 3, 0, "info", "info rule", "r-1");
        ActiveAlert critical = new ActiveAlert("performance_score", "system", 14, 50, "critical", "critical rule", "r-2");

        List<ActiveAlert> active = ThresholdAlertRoutes.alerts(Samples.troubled(), List.of(info, critical)).activeAlerts();

        List<String> severities = active.stream().map(ActiveAlert::severity).toList();
        assertThat(severities).isSortedAccordingTo(java.util.Comparator.comparingInt(
                s -> List.of("critical", "error", "warning", "info").indexOf(s)));
        // Within critical: the thresholds in table order, then the rule.
        int lastCritical = severities.lastIndexOf("critical");
        assertThat(active.get(lastCritical)).isSameAs(critical);
        assertThat(active.get(active.size() - 1)).isSameAs(info);
    }
}
