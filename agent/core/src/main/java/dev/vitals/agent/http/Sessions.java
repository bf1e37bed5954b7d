package dev.vitals.agent.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * The agent's token and the browser sessions that signing in with it opens, for the dashboard: a
 * session is a random id in an HttpOnly cookie, so the token itself never sits in the browser, its
 * history or a cookie.
 *
 * <pre>
 * Concurrency: all methods are synchronized on this; each is a few map operations. Called on
 *   Undertow's I/O threads (Auth) and worker threads (sign-in, sign-out).
 * Expiry: sliding — a session unused for {@link #IDLE_EXPIRY} is gone; every request that shows it
 *   pushes its end back. Expired sessions are dropped when met and whenever one is opened.
 * Eviction: at most {@link #MAX_SESSIONS}; opening one more drops the least recently used, so a
 *   loop signing in cannot grow the map (it only signs out the oldest browser).
 * Secrecy: the token is compared in constant time (after hashing both sides to one length, so
 *   not even its length leaks). The map is keyed by a SHA-256 digest of each id, never the id, so
 *   the lookup's timing says nothing about how close a guessed id is.
 * </pre>
 */
public final class Sessions {

    /** How long a session lives without being used. */
    static final Duration IDLE_EXPIRY = Duration.ofHours(12);
    /** Sessions kept at once: plenty for the people who can read the token file. */
    static final int MAX_SESSIONS = 100;
    /** Random bytes in a session id: 256 bits, beyond guessing. */
    private static final int ID_BYTES = 32;

    private final byte[] tokenDigest;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    // Access-ordered: iteration starts at the least recently used. Guarded by this.
    private final LinkedHashMap<String, Instant> expiries = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param token the agent's token (the one in the token file)
     * @param clock when sessions expire is measured on this clock
     */
    public Sessions(String token, Clock clock) {
        this.tokenDigest = sha256(Objects.requireNonNull(token, "token"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether {@code given} is the token; constant time. Null is never the token. */
    public boolean tokenMatches(String given) {
        return given != null && MessageDigest.isEqual(sha256(given), tokenDigest);
    }

    /**
     * Opens a session if {@code givenToken} is the token.
     *
     * @return the new session's id (43 characters of base64url), or null for a wrong token
     */
    public synchronized String open(String givenToken) {
        if (!tokenMatches(givenToken)) {
            return null;
        }
        Instant now = clock.instant();
        dropExpired(now);
        while (expiries.size() >= MAX_SESSIONS) {
            Iterator<String> eldest = expiries.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiries.put(key(id), now.plus(IDLE_EXPIRY));
        return id;
    }

    /** Whether {@code id} names a live session; if so, it now lasts {@link #IDLE_EXPIRY} from now. */
    public synchronized boolean touch(String id) {
        if (id == null || id.isEmpty()) {
            return false;
        }
        String key = key(id);
        Instant expiry = expiries.get(key);
        if (expiry == null) {
            return false;
        }
        Instant now = clock.instant();
        if (!now.isBefore(expiry)) {
            expiries.remove(key);
            return false;
        }
        expiries.put(key, now.plus(IDLE_EXPIRY));
        return true;
    }

    /** Ends the session {@code id}, if there is one. */
    public synchronized void close(String id) {
        if (id != null) {
            expiries.remove(key(id));
        }
    }

    /** Live sessions (expired ones not yet dropped are not counted). */
    public synchronized int size() {
        dropExpired(clock.instant());
        return expiries.size();
    }

    private void dropExpired(Instant now) {
        expiries.values().removeIf(expiry -> !now.isBefore(expiry));
    }

    private static String key(String id) {
        return Base64.getEncoder().encodeToString(sha256(id));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
