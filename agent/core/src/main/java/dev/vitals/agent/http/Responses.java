package dev.vitals.agent.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes every response the API sends: JSON in snake_case, and errors in one shape,
 * {@code {"error": ..., "message": ..., "field": ...}}, saying what to fix.
 *
 * <p>Thread-safe: the {@link ObjectMapper} is configured once and only used for writing. It is
 * made on the first response: Jackson's ~600 classes are not loaded for an agent that nobody asks
 * for JSON (one only scraped on {@code /metrics}), nor during the application's start-up.
 */
public final class Responses {

    private static final HttpString CONTENT_TYPE_OPTIONS = new HttpString("X-Content-Type-Options");

    private volatile ObjectMapper mapper;

    /** Sends {@code body} as JSON with the given status. */
    public void json(HttpServerExchange exchange, int status, Object body) {
        String text;
        try {
            text = mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            status = 500;
            text = "{\"error\":\"internal\",\"message\":\"could not write the response: "
                    + e.getOriginalMessage().replace('"', '\'') + "\",\"field\":null}";
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseHeaders().put(CONTENT_TYPE_OPTIONS, "nosniff");
        exchange.getResponseSender().send(text);
    }

    /**
     * Sends an error.
     *
     * @param error a stable machine-readable code ({@code unauthorized}, {@code not_found}, …)
     * @param message what happened and what to do, for a person
     * @param field the parameter or field at fault, or null
     */
    public void error(HttpServerExchange exchange, int status, String error, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        body.put("field", field);
        json(exchange, status, body);
    }

    /** The mapper, for routes that need to read JSON with the same conventions. */
    public ObjectMapper mapper() {
        ObjectMapper made = mapper;
        if (made == null) {
            synchronized (this) {
                made = mapper;
                if (made == null) {
                    made = new ObjectMapper()
                            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
                            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
                    mapper = made;
                }
            }
        }
        return made;
    }
}
