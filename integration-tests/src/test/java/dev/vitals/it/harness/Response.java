package dev.vitals.it.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpHeaders;

/** One HTTP exchange with the agent: what was asked and what came back. */
public record Response(String method, URI uri, int status, HttpHeaders headers, String body) {

    /** The body parsed as JSON (fails with the body in the message if it is not JSON). */
    public JsonNode json() {
        return Json.parse(body);
    }

    /** The first value of a response header, or null. */
    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
        return method + " " + uri + " -> " + status + " " + header("Content-Type") + "\n" + body;
    }
}
