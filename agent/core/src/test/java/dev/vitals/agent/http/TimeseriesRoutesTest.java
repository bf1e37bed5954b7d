package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.agent.history.History;
import dev.vitals.agent.history.HistoryMetric;
import dev.vitals.agent.history.HistoryPoint;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeseriesRoutesTest {

    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final String PATH = "/api/v1/performance/metrics/timeseries";

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final History history = new History(clock);
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(new TimeseriesRoutes(history, clock, new Responses()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A sample with every metric the sampler writes. */
    static HistoryPoint full(String time, double score, double health, double available, double hits, double requests,
            double avgWait, double p99Wait, double active, double pending, double queries, double errors,
            double queryP99) {
        return HistoryPoint.at(Instant.parse(time))
                .set(HistoryMetric.PERFORMANCE_SCORE, score)
                .set(HistoryMetric.HEALTH, health)
                .set(HistoryMetric.AVAILABLE, available)
                .set(HistoryMetric.CACHE_HITS, hits)
                .set(HistoryMetric.CACHE_REQUESTS, requests)
                .set(HistoryMetric.AVG_WAIT_TIME, avgWait)
                .set(HistoryMetric.P99_WAIT_TIME, p99Wait)
                .set(HistoryMetric.ACTIVE_CONNECTIONS, active)
                .set(HistoryMetric.PENDING_THREADS, pending)
                .set(HistoryMetric.CONNECTION_TIMEOUTS, 0)
                .set(HistoryMetric.QUERIES, queries)
                .set(HistoryMetric.ERRORS, errors)
                .set(HistoryMetric.QUERY_P99_TIME, queryP99)
                .set(HistoryMetric.INTERVAL_SECONDS, 10)
                .build();
    }

    @Test
    void bucketsAggregateTheSamplesAndOnlyBucketsWithDataAppear() throws Exception {
        // Outside the 1 h window: left out.
        history.add(full("2025-03-01T10:59:00Z", 10, 0, 0, 1, 1, 9, 9, 9, 9, 1, 1, 9));
        // Minute 11:58: two samples.
        history.add(full("2025-03-01T11:58:10Z", 90, 1, 1, 90, 100, 0.02, 0.05, 4, 0, 200, 0, 0.1));
        history.add(full("2025-03-01T11:58:20Z", 80, 0.5, 0, 60, 100, 0.04, 0.3, 6, 2, 300, 5, 0.4));
        // Minute 11:59: one sample with no cache, pool or SQL data yet.
        history.add(HistoryPoint.at(Instant.parse("2025-03-01T11:59:30Z"))
                .set(HistoryMetric.HEALTH, 1)
                .set(HistoryMetric.INTERVAL_SECONDS, 10)
                .build());

        TestServer.Reply reply = server.get(PATH);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.body();
        assertThat(body.get("interval").asText()).isEqualTo("1m");
        assertThat(body.get("hours").asInt()).isEqualTo(1);
        assertThat(body.get("from").asText()).isEqualTo("2025-03-01T11:00:00Z");
        assertThat(body.get("to").asText()).isEqualTo("2025-03-01T12:00:00Z");
        JsonNode points = body.get("data_points");
        assertThat(points.size()).isEqualTo(2);
        assertThat(points.get(0).toString()).isEqualTo("{\"timestamp\":\"2025-03-01T11:58:00Z\","
                + "\"performance_score\":85.0,\"system_health\":\"degraded\",\"cache_hit_rate\":0.75,"
                + "\"avg_wait_time\":0.03,\"p99_wait_time\":0.3,\"active_connections\":5.0,\"pending_threads\":1.0,"
                + "\"queries_per_second\":25.0,\"query_p99_time\":0.4,\"error_rate\":0.01,\"availability\":0.5,"
                + "\"samples\":2}");
        assertThat(points.get(1).toString()).isEqualTo("{\"timestamp\":\"2025-03-01T11:59:00Z\","
                + "\"performance_score\":null,\"system_health\":\"healthy\",\"cache_hit_rate\":null,"
                + "\"avg_wait_time\":null,\"p99_wait_time\":null,\"active_connections\":null,\"pending_threads\":null,"
                + "\"queries_per_second\":null,\"query_p99_time\":null,\"error_rate\":null,\"availability\":null,"
                + "\"samples\":1}");
    }

    @Test
    void widerBucketsAndWindows() throws Exception {
        history.add(full("2025-03-01T11:58:10Z", 90, 1, 1, 90, 100, 0.02, 0.05, 4, 0, 200, 0, 0.1));
        history.add(full("2025-03-01T11:59:20Z", 60, 0, 0, 10, 100, 0.04, 0.9, 6, 2, 300, 30, 1.2));

        JsonNode body = server.get(PATH + "?hours=24&interval=1h").body();

        assertThat(body.get("interval").asText()).isEqualTo("1h");
        assertThat(body.get("hours").asInt()).isEqualTo(24);
        assertThat(body.get("from").asText()).isEqualTo("2025-02-28T12:00:00Z");
        JsonNode points = body.get("data_points");
        assertThat(points.size()).isEqualTo(1);
        JsonNode hour = points.get(0);
        assertThat(hour.get("timestamp").asText()).isEqualTo("2025-03-01T11:00:00Z");
        assertThat(hour.get("samples").asInt()).isEqualTo(2);
        assertThat(hour.get("performance_score").asDouble()).isEqualTo(75.0);
        // The worst health in the bucket, not the mean (0.5 would read "degraded").
        assertThat(hour.get("system_health").asText()).isEqualTo("critical");
        assertThat(hour.get("cache_hit_rate").asDouble()).isEqualTo(0.5);
        assertThat(hour.get("p99_wait_time").asDouble()).isEqualTo(0.9);
        assertThat(hour.get("queries_per_second").asDouble()).isEqualTo(25.0);
        assertThat(hour.get("error_rate").asDouble()).isEqualTo(0.06);
        assertThat(hour.get("query_p99_time").asDouble()).isEqualTo(1.2);
        assertThat(hour.get("availability").asDouble()).isEqualTo(0.5);
    }

    @Test
    void emptyHistoryGivesNoPoints() throws Exception {
        TestServer.Reply reply = server.get(PATH + "?hours=720&interval=24h");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("data_points").size()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hours=0                | hours    | hours must be an integer from 1 to 720; got '0'",
        "hours=721              | hours    | hours must be an integer from 1 to 720; got '721'",
        "hours=-1               | hours    | hours must be an integer from 1 to 720; got '-1'",
        "hours=1.5              | hours    | hours must be an integer from 1 to 720; got '1.5'",
        "hours=day              | hours    | hours must be an integer from 1 to 720; got 'day'",
        "hours=                 | hours    | hours must be an integer from 1 to 720; got ''",
        "interval=2m            | interval | interval must be one of 1m, 5m, 15m, 1h, 6h, 24h; got '2m'",
        "interval=1H            | interval | interval must be one of 1m, 5m, 15m, 1h, 6h, 24h; got '1H'",
        "interval=60            | interval | interval must be one of 1m, 5m, 15m, 1h, 6h, 24h; got '60'",
        "hours=1&interval=6h    | interval | interval 6h is longer than the window of 1 h (hours=1); choose a shorter interval or more hours",
        "interval=24h           | interval | interval 24h is longer than the window of 1 h (hours=1); choose a shorter interval or more hours",
        "hours=23&interval=24h  | interval | interval 24h is longer than the window of 23 h (hours=23); choose a shorter interval or more hours",
        "hours=x&interval=7m    | hours    | hours must be an integer from 1 to 720; got 'x'",
    })
    void badParametersAre400NamingTheParameter(String query, String field, String message) throws Exception {
        TestServer.Reply reply = server.get(PATH + "?" + query);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().get("error").asText()).isEqualTo("bad_parameter");
        assertThat(reply.body().get("field").asText()).isEqualTo(field);
        assertThat(reply.body().get("message").asText()).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource({"1, 1m", "1, 1h", "6, 6h", "24, 24h", "720, 24h", "720, 1m"})
    void intervalUpToTheWindowIsAccepted(int hours, String interval) throws BadParameterException {
        assertThat(TimeseriesRoutes.hours(Integer.toString(hours))).isEqualTo(hours);
        assertThat(TimeseriesRoutes.interval(interval, hours)).isEqualTo(interval);
    }

    @Test
    void defaults() throws BadParameterException {
        assertThat(TimeseriesRoutes.hours(null)).isEqualTo(1);
        assertThat(TimeseriesRoutes.interval(null, 1)).isEqualTo("1m");
    }

    @ParameterizedTest
    @CsvSource({"1, healthy", "0.5, degraded", "0, critical", "0.75, degraded", "0.25, critical"})
    void worstHealthMapsBackToItsName(double value, String name) {
        assertThat(TimeseriesRoutes.health(value)).isEqualTo(name);
    }

    @Test
    void absentHealthIsNull() {
        assertThat(TimeseriesRoutes.health(Double.NaN)).isNull();
        assertThatThrownBy(() -> TimeseriesRoutes.hours("0")).isInstanceOf(BadParameterException.class);
    }
}
