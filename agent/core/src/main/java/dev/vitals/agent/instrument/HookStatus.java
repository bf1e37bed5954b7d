package dev.vitals.agent.instrument;

/**
 * What became of one instrumentation, as {@code /api/v1/health} reports it.
 *
 * @param name the instrumentation ({@code hikaricp}, {@code jdbc-statements}, …)
 * @param state {@code applied}, {@code skipped} or {@code failed}
 * @param reason why, in a sentence (which classes were transformed, or what went wrong)
 */
public record HookStatus(String name, String state, String reason) {
}
