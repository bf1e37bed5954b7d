package dev.vitals.agent.http;

import dev.vitals.agent.AgentConfig;
import io.undertow.server.RoutingHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/config}: the effective configuration, each value with where it came from
 * ({@code argument}, {@code system_property}, {@code environment}, {@code file}, {@code default}),
 * and the warnings found while reading it. The token's value is never shown.
 */
public final class ConfigRoutes implements Routes {

    /** One value as shown. */
    public record Value(String value, String source) {
    }

    /** The response body. */
    public record Config(Map<String, Value> values, List<String> warnings) {
    }

    private static final String REDACTED = "(set)";

    private final AgentConfig config;
    private final Responses responses;

    public ConfigRoutes(AgentConfig config, Responses responses) {
        this.config = config;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/config", exchange -> responses.json(exchange, 200, describe()));
    }

    Config describe() {
        Map<String, Value> values = new LinkedHashMap<>();
        config.settings().forEach((key, setting) -> {
            boolean secret = key.equals("token") && !setting.text().isEmpty();
            values.put(key, new Value(secret ? REDACTED : setting.text(), setting.source().apiName()));
        });
        return new Config(values, config.warnings());
    }
}
