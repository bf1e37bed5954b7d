package dev.vitals.agent.caffeine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How caches are named. A cache's base name is, in order of preference:
 * <ol>
 *   <li>the {@code caches.names} setting for its site ({@code OrderService.customers},
 *       {@code com.example.OrderService.customers}, {@code OrderService:42} or
 *       {@code com.example.OrderService:42}) or for the name it would otherwise get;</li>
 *   <li>the name its framework gave it (Spring's cache name, the JCache name);</li>
 *   <li>its site ({@code OrderService.customers}, else {@code OrderService:42}).</li>
 * </ol>
 * Names are unique: a second cache of a base name is {@code users#2}, a third {@code users#3};
 * a cache keeps the name it was shown with while its base name stays the same, so a cache
 * collected away does not rename the others.
 *
 * <p>Stateless functions; thread-safe.
 */
public final class CacheNames {

    /** The base name of a cache about which nothing is known. */
    static final String UNKNOWN = "caffeine";

    /** Longest name accepted in {@code caches.names}. */
    static final int MAX_NAME_LENGTH = 64;

    private static final Pattern SITE = Pattern.compile("[A-Za-z0-9_$.\\-]{1,200}(:[0-9]{1,7})?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:\\-]{1," + MAX_NAME_LENGTH + "}");

    /** What {@link #parseOverrides} accepts, for the configuration's error message. */
    static final String ACCEPTED = "expected site=name pairs separated by ';', such as "
            + "OrderService.customers=customers;PriceService:42=prices (a site is Class.field, Class:line "
            + "or a cache's default name; a name is 1 to " + MAX_NAME_LENGTH
            + " letters, digits, '.', '_', ':' or '-')";

    private CacheNames() {
    }

    /**
     * Parses {@code caches.names}: {@code site=name;site2=name2}, blanks around the parts ignored,
     * empty entries skipped; an empty text is no override.
     *
     * @throws IllegalArgumentException with {@link #ACCEPTED}, or naming the site given twice
     */
    public static Map<String, String> parseOverrides(String text) {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return Collections.unmodifiableMap(overrides);
        }
        for (String part : text.split(";")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(ACCEPTED);
            }
            String site = entry.substring(0, eq).trim();
            String name = entry.substring(eq + 1).trim();
            if (!SITE.matcher(site).matches() || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(ACCEPTED);
            }
            if (overrides.put(site, name) != null) {
                throw new IllegalArgumentException("the site " + site + " is named twice; " + ACCEPTED);
            }
        }
        return Collections.unmodifiableMap(overrides);
    }

    /**
     * The base name of one cache.
     *
     * @param frameworkName the framework's name for it, or null
     * @param siteName its site's display form, or null when unknown
     * @param siteKeys every form of its site the configuration may use
     * @param overrides the parsed {@code caches.names}
     */
    static String baseName(String frameworkName, String siteName, List<String> siteKeys, Map<String, String> overrides) {
        for (String key : siteKeys) {
            String override = overrides.get(key);
            if (override != null) {
                return override;
            }
        }
        String name = frameworkName != null && !frameworkName.isEmpty() ? frameworkName
                : siteName != null ? siteName : UNKNOWN;
        return overrides.getOrDefault(name, name);
    }

    /** One cache asking for a name: its base name and the name it was shown with before, or null. */
    record Claim(String base, String previous) {
    }

    /**
     * Unique names for {@code claims}, in their order (oldest cache first): each keeps its
     * previous name if that still fits its base; the others get the base, or the base with the
     * smallest free {@code #n} suffix from 2 up.
     */
    static List<String> unique(List<Claim> claims) {
        Set<String> taken = new HashSet<>();
        String[] names = new String[claims.size()];
        for (int i = 0; i < claims.size(); i++) {
            Claim claim = claims.get(i);
            if (claim.previous() != null && belongsTo(claim.previous(), claim.base()) && taken.add(claim.previous())) {
                names[i] = claim.previous();
            }
        }
        for (int i = 0; i < claims.size(); i++) {
            if (names[i] != null) {
                continue;
            }
            String base = claims.get(i).base();
            String name = base;
            for (int n = 2; taken.contains(name); n++) {
                name = base + "#" + n;
            }
            taken.add(name);
            names[i] = name;
        }
        return new ArrayList<>(List.of(names));
    }

    /** Whether {@code name} is {@code base} or {@code base#n}. */
    private static boolean belongsTo(String name, String base) {
        if (name.equals(base)) {
            return true;
        }
        if (!name.startsWith(base + "#") || name.length() == base.length() + 1) {
            return false;
        }
        for (int i = base.length() + 1; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
