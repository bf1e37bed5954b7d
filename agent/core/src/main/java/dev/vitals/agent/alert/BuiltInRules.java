package dev.vitals.agent.alert;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules Vitals creates on its first start in a state directory, so a new installation alerts
 * on the obvious trouble without configuration. They are ordinary rules ({@code built_in: true},
 * no webhook, cooldown 30 minutes): editable, deletable, and never recreated after a user deleted
 * them — the store records that it seeded them ({@link #MARKER}).
 *
 * <p>Called once at start, before the engine runs; thread-safe through the store.
 */
public final class BuiltInRules {

    /** The file in the alerts directory that says the built-in rules were created once. */
    public static final String MARKER = "builtins-seeded";

    private BuiltInRules() {
    }

    /**
     * Creates the built-in rules if this is the directory's first start: no {@code rules.json}
     * and no {@link #MARKER}. Safe when two JVMs start together (the store seeds under its lock).
     *
     * @return whether the rules were created now
     */
    public static boolean seedIfFirstStart(RuleStore store, Instant now) {
        return store.seedOnce(MARKER, definitions(now));
    }

    /** The built-in rules, new ids, created at {@code now}; built through {@link RuleValidator}. */
    static List<AlertRule> definitions(Instant now) {
        List<AlertRule> rules = new ArrayList<>();
        rules.add(rule(now, "Performance score below 70", "performance_score", "less_than", 70, "warning",
                "The health score fell below 70 of 100: something is degrading. The overview's score_breakdown says which"
                        + " component lost points."));
        rules.add(rule(now, "Performance score below 50", "performance_score", "less_than", 50, "critical",
                "The health score fell below 50 of 100: users are likely affected. The overview's score_breakdown says"
                        + " which component lost points."));
        rules.add(rule(now, "Cache hit rate below 60%", "cache_hit_rate", "less_than", 0.6, "warning",
                "Under 60% of cache lookups (all caches together) were hits in the score window: the caches absorb"
                        + " little of the load."));
        rules.add(rule(now, "Connection wait above 0.5 s", "connection_wait_time", "greater_than", 0.5, "warning",
                "Borrowing a connection took more than 0.5 s on average (all pools together) in the score window: the"
                        + " pools are too small for the load, or connections are held too long."));
        rules.add(rule(now, "System health degraded", "system_health", "equals", 0.5, "warning",
                "The system health is degraded (0.5): a component of the score is in its warning band."));
        rules.add(rule(now, "System health critical", "system_health", "equals", 0, "critical",
                "The system health is critical (0): a component of the score is in its critical band."));
        return List.copyOf(rules);
    }

    private static AlertRule rule(Instant now, String name, String metric, String condition, double threshold,
            String severity, String description) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", name);
        body.put("metric", metric);
        body.put("condition", condition);
        body.put("threshold", threshold);
        body.put("severity", severity);
        body.put("cooldown_minutes", RuleValidator.DEFAULT_COOLDOWN_MINUTES);
        body.put("description", description);
        try {
            return RuleValidator.create(body, RuleValidator.newId(), now, true);
        } catch (RuleException e) {
            throw new IllegalStateException("built-in rule '" + name + "' is invalid: " + e.getMessage(), e);
        }
    }
}
