package dev.vitals.agent.http;

import dev.vitals.agent.hikari.HikariRecorder;
import dev.vitals.agent.snapshot.PoolSnapshot;
import io.undertow.server.RoutingHandler;
import java.time.Clock;
import java.util.List;

/** {@code GET /api/v1/performance/pools}: every connection pool Vitals sees, with its numbers. */
public final class PoolRoutes implements Routes {

    /** The response body. */
    public record Pools(String timestamp, List<PoolSnapshot> pools) {
    }

    private final HikariRecorder hikari;
    private final Clock clock;
    private final Responses responses;

    public PoolRoutes(HikariRecorder hikari, Clock clock, Responses responses) {
        this.hikari = hikari;
        this.clock = clock;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/performance/pools",
                exchange -> responses.json(exchange, 200, new Pools(clock.instant().toString(), hikari.snapshot())));
    }
}
