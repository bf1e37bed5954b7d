package dev.vitals.agent.http;

import dev.vitals.agent.metrics.PrometheusExport;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;

/**
 * {@code GET /metrics}: the latest sample in the Prometheus text exposition format (version
 * 0.0.4), for Prometheus, the OpenTelemetry Collector or any scraper. Outside {@code /api/v1}, as
 * scrapers expect. Needs the token unless {@code metrics.auth=none} (the server then lists the
 * path as public). Before the first sample the body is empty.
 */
public final class MetricsRoutes implements Routes {

    /** The path scrapers use by default. */
    public static final String PATH = "/metrics";

    /** The text format's media type, as Prometheus negotiates it. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final HttpString CONTENT_TYPE_OPTIONS = new HttpString("X-Content-Type-Options");

    private final PrometheusExport export;

    public MetricsRoutes(PrometheusExport export) {
        this.export = export;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get(PATH, this::scrape);
    }

    private void scrape(HttpServerExchange exchange) {
        // The export's bytes for the current sample, shared by every scrape until the next one.
        ByteBuffer body = ByteBuffer.wrap(export.exposition()).asReadOnlyBuffer();
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, CONTENT_TYPE);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseHeaders().put(CONTENT_TYPE_OPTIONS, "nosniff");
        exchange.getResponseSender().send(body);
    }
}
