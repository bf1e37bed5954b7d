package dev.vitals.agent.http;

import dev.vitals.agent.jdbc.QuerySort;
import dev.vitals.agent.jdbc.StatementRecorder;
import dev.vitals.agent.snapshot.QueryReport;
import dev.vitals.agent.snapshot.SlowQuerySnapshot;
import dev.vitals.agent.snapshot.StatementSnapshot;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import java.time.Clock;
import java.util.Deque;
import java.util.List;

/**
 * {@code GET /api/v1/performance/queries?sort=&limit=}: statistics per normalized SQL and data
 * source; {@code GET /api/v1/performance/slow-queries?limit=}: the slow-query log, newest first.
 */
public final class QueryRoutes implements Routes {

    /** Statements listed when no {@code limit} is given. */
    static final int DEFAULT_LIMIT = 50;
    /** Most statements one response lists (the default {@code sql.max_statements}). */
    static final int MAX_LIMIT = 1000;
    /** Most slow queries one response lists: all the log keeps. */
    static final int MAX_SLOW_LIMIT = 200;

    /** The {@code queries} response body. */
    public record Queries(String timestamp, String sort, List<StatementSnapshot> queries, int totalStatements,
            long totalCalls, long otherCalls) {
    }

    /** The {@code slow-queries} response body. */
    public record SlowQueries(String timestamp, double thresholdSeconds, long totalSlow,
            List<SlowQuerySnapshot> slowQueries) {
    }

    private final StatementRecorder statements;
    private final Clock clock;
    private final Responses responses;

    public QueryRoutes(StatementRecorder statements, Clock clock, Responses responses) {
        this.statements = statements;
        this.clock = clock;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/performance/queries", this::queries);
        routing.get("/api/v1/performance/slow-queries", this::slowQueries);
    }

    private void queries(HttpServerExchange exchange) {
        QuerySort sort;
        int limit;
        try {
            sort = sort(first(exchange, "sort"));
            limit = limit(first(exchange, "limit"), DEFAULT_LIMIT, MAX_LIMIT);
        } catch (BadParameterException e) {
            responses.error(exchange, 400, "bad_parameter", e.getMessage(), e.field());
            return;
        }
        QueryReport report = statements.queries(sort, limit);
        responses.json(exchange, 200, new Queries(clock.instant().toString(), sort.apiName(), report.queries(),
                report.totalStatements(), report.totalCalls(), report.otherCalls()));
    }

    private void slowQueries(HttpServerExchange exchange) {
        int limit;
        try {
            limit = limit(first(exchange, "limit"), DEFAULT_LIMIT, MAX_SLOW_LIMIT);
        } catch (BadParameterException e) {
            responses.error(exchange, 400, "bad_parameter", e.getMessage(), e.field());
            return;
        }
        responses.json(exchange, 200, new SlowQueries(clock.instant().toString(), statements.slowThresholdSeconds(),
                statements.slowTotal(), statements.slowQueries(limit)));
    }

    private static String first(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** {@code sort}: one of {@link QuerySort}'s API names; absent means {@link QuerySort#DEFAULT}. */
    static QuerySort sort(String text) throws BadParameterException {
        if (text == null) {
            return QuerySort.DEFAULT;
        }
        QuerySort sort = QuerySort.fromApiName(text);
        if (sort == null) {
            throw new BadParameterException("sort",
                    "sort must be one of " + QuerySort.apiNames() + "; got '" + text + "'");
        }
        return sort;
    }

    /** {@code limit}: an integer from 1 to {@code max}; absent means {@code defaultLimit}. */
    static int limit(String text, int defaultLimit, int max) throws BadParameterException {
        if (text == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new BadParameterException("limit", "limit must be an integer from 1 to " + max + "; got '" + text + "'");
    }
}
