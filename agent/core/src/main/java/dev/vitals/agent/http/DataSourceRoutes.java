package dev.vitals.agent.http;

import dev.vitals.agent.jdbc.DataSourceRecorder;
import dev.vitals.agent.snapshot.DataSourceSnapshot;
import io.undertow.server.RoutingHandler;
import java.time.Clock;
import java.util.List;

/**
 * {@code GET /api/v1/performance/data-sources}: {@code getConnection()} wait times of the data
 * sources that are not HikariCP pools (those are in {@code /api/v1/performance/pools}).
 */
public final class DataSourceRoutes implements Routes {

    /** The response body. */
    public record DataSources(String timestamp, List<DataSourceSnapshot> dataSources) {
    }

    private final DataSourceRecorder dataSources;
    private final Clock clock;
    private final Responses responses;

    public DataSourceRoutes(DataSourceRecorder dataSources, Clock clock, Responses responses) {
        this.dataSources = dataSources;
        this.clock = clock;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/performance/data-sources", exchange -> responses.json(exchange, 200,
                new DataSources(clock.instant().toString(), dataSources.snapshot())));
    }
}
