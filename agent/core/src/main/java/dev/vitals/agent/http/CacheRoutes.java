package dev.vitals.agent.http;

import dev.vitals.agent.caffeine.CacheRecorder;
import dev.vitals.agent.snapshot.CacheSnapshot;
import io.undertow.server.RoutingHandler;
import java.time.Clock;
import java.util.List;

/** {@code GET /api/v1/performance/caches}: every Caffeine cache Vitals sees, with its numbers. */
public final class CacheRoutes implements Routes {

    /** The response body. */
    public record Caches(String timestamp, List<CacheSnapshot> caches) {
    }

    private final CacheRecorder caches;
    private final Clock clock;
    private final Responses responses;

    public CacheRoutes(CacheRecorder caches, Clock clock, Responses responses) {
        this.caches = caches;
        this.clock = clock;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/performance/caches",
                exchange -> responses.json(exchange, 200, new Caches(clock.instant().toString(), caches.snapshot())));
    }
}
