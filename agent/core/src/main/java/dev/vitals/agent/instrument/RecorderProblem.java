package dev.vitals.agent.instrument;

/**
 * A problem a recorder met and carried on from (a pool it could not read, a cache it could not
 * name…), as {@code /api/v1/health} lists it.
 *
 * @param recorder which recorder ({@code hikaricp}, {@code jdbc-statements}, {@code datasource},
 *     {@code caffeine})
 * @param message what happened, in a sentence
 */
public record RecorderProblem(String recorder, String message) {
}
