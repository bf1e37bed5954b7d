package dev.vitals.agent.alert;

import dev.vitals.agent.alert.AlertEvent.Delivery;
import dev.vitals.agent.sampling.Sample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Evaluates the alert rules on every sample: per rule and resource a state machine
 * {@code ok → pending (for_seconds) → firing → ok (resolved)}, an event for every firing, and a
 * notification on firing and on resolve, subject to the rule's cooldown.
 *
 * <pre>
 * States: ok; pending (the condition has held since `since`, shorter than for_seconds); firing
 *   (an event is open). A condition that stops holding moves pending back to ok and resolves a
 *   firing event. A resource without a value (no traffic) does not meet any condition. Timing
 *   uses the sample's time, so evaluating the same sample twice changes nothing.
 * Cooldown: a firing notification for a rule and resource is sent only if none was sent for them
 *   in the last cooldown_minutes; otherwise it is recorded as suppressed. A resolve is notified
 *   only when its firing was. Events are recorded either way.
 * Restart: firing events in the store are firing states again, so they resolve normally; the
 *   newest notified firing of each rule and resource restarts its cooldown.
 * Concurrency: accept()/check() run on the sampler thread or an HTTP thread, delivery reports on
 *   notifier threads, acknowledgements on HTTP threads; every read-modify-write of an event and
 *   of the states holds this object's lock. Notifications are queued (Notifier), never sent
 *   under the lock or on the sampler's time.
 * </pre>
 */
public final class AlertEngine implements Consumer<Sample> {

    /** The state of one rule for one resource. */
    enum State { OK, PENDING, FIRING }

    private static final class Tracker {
        State state = State.OK;
        Instant since;
        String eventId;
        Instant lastFiringNotified;
        boolean firingNotified;
    }

    /**
     * The result of evaluating one rule for one resource.
     *
     * @param ruleId the rule
     * @param ruleName its name
     * @param resource the pool or cache, or null for the aggregate/system
     * @param value the metric's value; null when there was nothing to measure
     * @param conditionMet whether the condition held
     * @param state {@code ok}, {@code pending} or {@code firing} after this evaluation
     * @param notified whether this evaluation queued a notification
     * @param eventId the open or just-resolved event, or null
     */
    public record Evaluation(String ruleId, String ruleName, String resource, Double value, boolean conditionMet,
            String state, boolean notified, String eventId) {
    }

    private record SlowCheckpoint(Instant time, long cumulative) {
    }

    private final RuleStore store;
    private final Notifier notifier;
    private final Clock clock;
    private final String app;
    private final String host;
    private final Supplier<String> dashboardUrl;

    // Guarded by this.
    private final Map<String, Tracker> trackers = new HashMap<>();
    private final ArrayDeque<SlowCheckpoint> slowCheckpoints = new ArrayDeque<>();
    private long lastSequence;
    private List<Evaluation> lastEvaluations = List.of();
    private long droppedNotifications;

    /**
     * @param store rules and events
     * @param notifier where notifications are queued
     * @param clock for acknowledgement and delivery times
     * @param app the application name notifications carry
     * @param host the host name notifications carry
     * @param dashboardUrl the dashboard's address for links in notifications (known once the
     *     server is up); may supply null
     */
    public AlertEngine(RuleStore store, Notifier notifier, Clock clock, String app, String host,
            Supplier<String> dashboardUrl) {
        this.store = store;
        this.notifier = notifier;
        this.clock = clock;
        this.app = app;
        this.host = host;
        this.dashboardUrl = dashboardUrl;
        // Oldest first, so the newest event of a rule and resource decides its state; a resolved
        // one still carries when its firing was notified, which the cooldown needs after a restart.
        List<AlertEvent> oldestFirst = new ArrayList<>(store.events());
        java.util.Collections.reverse(oldestFirst);
        for (AlertEvent event : oldestFirst) {
            boolean notified = event.deliveries().stream()
                    .anyMatch(d -> d.notification().equals(AlertEvent.FIRING) && !d.suppressed());
            boolean firing = event.status().equals(AlertEvent.FIRING);
            if (!firing && !notified) {
                continue;
            }
            Tracker t = trackers.computeIfAbsent(key(event.ruleId(), event.resource()), k -> new Tracker());
            if (notified) {
                t.lastFiringNotified = Instant.parse(event.startedAt());
            }
            if (firing) {
                t.state = State.FIRING;
                t.eventId = event.id();
                t.since = Instant.parse(event.startedAt());
                t.firingNotified = notified;
            }
        }
    }

    /** Evaluates every enabled rule on a new sample (a sampler listener). Older samples are ignored. */
    @Override
    public synchronized void accept(Sample sample) {
        if (sample.sequence() <= lastSequence) {
            return; // listeners may be called out of order; a newer sample has been evaluated
        }
        lastSequence = sample.sequence();
        lastEvaluations = evaluate(sample);
    }

    /**
     * Evaluates every enabled rule on {@code sample} now ({@code POST /alerts/check-rules}):
     * rules created since the sample was evaluated get their first evaluation.
     */
    public synchronized List<Evaluation> check(Sample sample) {
        lastEvaluations = evaluate(sample);
        return lastEvaluations;
    }

    /** The evaluations of the last sample. */
    public synchronized List<Evaluation> lastEvaluations() {
        return lastEvaluations;
    }

    /** Notifications that could not be queued (the queue was full). */
    public synchronized long droppedNotifications() {
        return droppedNotifications;
    }

    /** The firing events, oldest first, as active alerts for {@code /performance/metrics/alerts}. */
    public synchronized List<ActiveAlert> firing() {
        List<ActiveAlert> alerts = new ArrayList<>();
        List<AlertEvent> oldestFirst = new ArrayList<>(store.events());
        java.util.Collections.reverse(oldestFirst);
        for (AlertEvent e : oldestFirst) {
            if (e.status().equals(AlertEvent.FIRING)) {
                alerts.add(new ActiveAlert(e.metric(), resourceName(e), e.currentValue(), e.threshold(), e.severity(),
                        e.message(), e.ruleId()));
            }
        }
        return alerts;
    }

    /** Acknowledges an event; returns it, or null when there is no such event. */
    public synchronized AlertEvent acknowledge(String eventId) {
        AlertEvent e = store.event(eventId).orElse(null);
        if (e == null) {
            return null;
        }
        if (e.acknowledged()) {
            return e;
        }
        return store.putEvent(new AlertEvent(e.id(), e.ruleId(), e.ruleName(), e.metric(), e.resource(),
                e.currentValue(), e.threshold(), e.severity(), e.message(), e.status(), e.startedAt(), e.resolvedAt(),
                true, clock.instant().toString(), e.deliveries()));
    }

    /**
     * A rule was deleted or disabled: its open events are resolved (without a notification: no
     * one asked for one about a rule that is gone) and its states forgotten.
     */
    public synchronized void ruleWithdrawn(String ruleId, String why) {
        Instant now = clock.instant();
        trackers.entrySet().removeIf(entry -> {
            if (!entry.getKey().startsWith(ruleId + "\u0000")) {
                return false;
            }
            Tracker t = entry.getValue();
            if (t.eventId != null) {
                modify(t.eventId, e -> resolved(e, e.currentValue(), e.message() + " (resolved: " + why + ")", now));
            }
            return true;
        });
    }

    private List<Evaluation> evaluate(Sample sample) {
        long slow = slowInWindow(sample);
        List<Evaluation> results = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AlertRule rule : store.rules()) {
            if (!rule.enabled()) {
                continue;
            }
            Map<String, Double> values = RuleValues.of(rule, sample, slow);
            for (Map.Entry<String, Double> entry : values.entrySet()) {
                String resource = entry.getKey().equals(RuleValues.ALL) ? null : entry.getKey();
                seen.add(key(rule.id(), resource));
                results.add(step(rule, resource, entry.getValue(), sample.time()));
            }
        }
        // A resource a glob matched before and no longer does (a pool closed): its condition no longer holds.
        for (Map.Entry<String, Tracker> entry : new ArrayList<>(trackers.entrySet())) {
            if (!seen.contains(entry.getKey()) && entry.getValue().state != State.OK) {
                String[] parts = entry.getKey().split("\u0000", -1);
                AlertRule rule = store.rule(parts[0]).orElse(null);
                if (rule != null && rule.enabled()) {
                    step(rule, parts[1].isEmpty() ? null : parts[1], null, sample.time());
                }
            }
        }
        return List.copyOf(results);
    }

    private Evaluation step(AlertRule rule, String resource, Double value, Instant now) {
        String key = key(rule.id(), resource);
        Tracker t = trackers.computeIfAbsent(key, k -> new Tracker());
        boolean met = value != null && rule.condition().test(value, rule.threshold());
        boolean notified = false;
        String eventId = t.eventId;
        if (met) {
            if (t.state == State.OK) {
                t.state = State.PENDING;
                t.since = now;
            }
            if (t.state == State.PENDING
                    && Duration.between(t.since, now).compareTo(Duration.ofSeconds(rule.forSeconds())) >= 0) {
                AlertEvent event = store.putEvent(new AlertEvent(store.nextEventId(), rule.id(), rule.name(),
                        rule.metric().key(), resource, value, rule.threshold(), rule.severity().key(),
                        message(rule, resource, value, true), AlertEvent.FIRING, now.toString(), null, false, null,
                        List.of()));
                t.state = State.FIRING;
                t.eventId = event.id();
                eventId = event.id();
                notified = notifyFiring(rule, t, event, now);
            }
        } else if (t.state == State.PENDING) {
            t.state = State.OK;
            t.since = null;
        } else if (t.state == State.FIRING) {
            String resolvedId = t.eventId;
            AlertEvent event = modify(resolvedId,
                    e -> resolved(e, value == null ? e.currentValue() : value, message(rule, resource, value, false), now));
            t.state = State.OK;
            t.eventId = null;
            if (event != null && t.firingNotified && rule.webhookUrl() != null) {
                notified = send(rule, event, AlertEvent.RESOLVED);
            }
            t.firingNotified = false;
            eventId = resolvedId;
        }
        if (t.state == State.OK && t.lastFiringNotified == null) {
            trackers.remove(key); // nothing to remember
        }
        return new Evaluation(rule.id(), rule.name(), resource, value, met, t.state.name().toLowerCase(Locale.ROOT),
                notified, eventId);
    }

    private boolean notifyFiring(AlertRule rule, Tracker t, AlertEvent event, Instant now) {
        t.firingNotified = false;
        if (rule.webhookUrl() == null) {
            return false;
        }
        Duration cooldown = Duration.ofMillis((long) (rule.cooldownMinutes() * 60_000));
        if (t.lastFiringNotified != null && Duration.between(t.lastFiringNotified, now).compareTo(cooldown) < 0) {
            modify(event.id(), e -> withDelivery(e, new Delivery(AlertEvent.FIRING, 0, now.toString(),
                    format(rule), false, null, "suppressed: cooldown of " + rule.cooldownMinutes()
                            + " min since the last notification at " + t.lastFiringNotified, 0, true)));
            return false;
        }
        t.lastFiringNotified = now;
        t.firingNotified = true;
        return send(rule, event, AlertEvent.FIRING);
    }

    private boolean send(AlertRule rule, AlertEvent event, String kind) {
        Notification n = new Notification(kind, rule, event, app, host, dashboardUrl.get());
        String eventId = event.id();
        boolean queued = notifier.submit(n, delivery -> report(eventId, delivery));
        if (!queued) {
            droppedNotifications++;
            modify(eventId, e -> withDelivery(e, new Delivery(kind, 0, clock.instant().toString(), format(rule), false,
                    null, "dropped: the notification queue is full", 0, false)));
        }
        return queued;
    }

    /** A delivery attempt finished (on a notifier thread). */
    private synchronized void report(String eventId, Delivery delivery) {
        modify(eventId, e -> withDelivery(e, delivery));
    }

    private AlertEvent modify(String eventId, UnaryOperator<AlertEvent> change) {
        AlertEvent e = store.event(eventId).orElse(null);
        return e == null ? null : store.putEvent(change.apply(e));
    }

    private static AlertEvent resolved(AlertEvent e, double value, String message, Instant now) {
        return new AlertEvent(e.id(), e.ruleId(), e.ruleName(), e.metric(), e.resource(), value, e.threshold(),
                e.severity(), message, AlertEvent.RESOLVED, e.startedAt(), now.toString(), e.acknowledged(),
                e.acknowledgedAt(), e.deliveries());
    }

    private static AlertEvent withDelivery(AlertEvent e, Delivery delivery) {
        List<Delivery> deliveries = new ArrayList<>(e.deliveries());
        deliveries.add(delivery);
        return new AlertEvent(e.id(), e.ruleId(), e.ruleName(), e.metric(), e.resource(), e.currentValue(),
                e.threshold(), e.severity(), e.message(), e.status(), e.startedAt(), e.resolvedAt(), e.acknowledged(),
                e.acknowledgedAt(), deliveries);
    }

    private static String format(AlertRule rule) {
        return rule.webhookFormat() == null ? AlertRule.WebhookFormat.GENERIC.key() : rule.webhookFormat().key();
    }

    /** {@code Pool wait: connection_wait_time of orders-pool is 0.812 (greater_than 0.5)}. */
    static String message(AlertRule rule, String resource, Double value, boolean firing) {
        String of = resource == null ? "" : " of " + resource;
        String shown = value == null ? "no data" : "is " + number(value);
        return rule.name() + ": " + rule.metric().key() + of + " " + shown + " ("
                + (firing ? "" : "no longer ") + rule.condition().key() + " " + number(rule.threshold()) + ")";
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    /**
     * Slow queries within the sample's window, from the cumulative count of each sample: the
     * newest cumulative minus the one at (or just before) the window's start.
     */
    private long slowInWindow(Sample sample) {
        long cumulative = sample.sql().slowQueries();
        if (slowCheckpoints.isEmpty() || slowCheckpoints.peekLast().time().isBefore(sample.time())) {
            slowCheckpoints.addLast(new SlowCheckpoint(sample.time(), cumulative));
        }
        Instant start = sample.time().minusMillis((long) (sample.window().windowSeconds() * 1000));
        // Keep the newest checkpoint at or before the window's start, and everything after it.
        while (slowCheckpoints.size() > 1) {
            SlowCheckpoint first = slowCheckpoints.removeFirst();
            if (slowCheckpoints.peekFirst().time().isAfter(start)) {
                slowCheckpoints.addFirst(first);
                break;
            }
        }
        SlowCheckpoint base = slowCheckpoints.peekFirst();
        // No checkpoint that old: the window began with the agent, whose count began at zero.
        long before = base.time().isAfter(start) ? 0 : base.cumulative();
        return Math.max(0, cumulative - before);
    }

    /** Named as threshold alerts and recommendations name resources: {@code pool:orders}, {@code system}. */
    private static String resourceName(AlertEvent e) {
        AlertRule.Metric metric = AlertRule.Metric.byKey(e.metric());
        if (metric == null || metric.scope() == AlertRule.Metric.Scope.SYSTEM) {
            return "system";
        }
        String kind = metric.scope() == AlertRule.Metric.Scope.POOL ? "pool" : "cache";
        return kind + ":" + (e.resource() == null ? "*" : e.resource());
    }

    private static String key(String ruleId, String resource) {
        return ruleId + "\u0000" + (resource == null ? "" : resource);
    }
}
