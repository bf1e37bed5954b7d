package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionsTest {

    static final String TOKEN = "s3cret-Token_42";
    static final Instant START = Instant.parse("2025-03-01T12:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final Sessions sessions = new Sessions(TOKEN, clock);

    @Test
    void theTokenMatchesItself() {
        assertThat(sessions.tokenMatches(TOKEN)).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "s3cret-Token_4", "s3cret-Token_42x", "S3CRET-TOKEN_42", " s3cret-Token_42",
        "s3cret-Token_43", "x"})
    void anythingElseDoesNot(String given) {
        assertThat(sessions.tokenMatches(given)).isFalse();
        assertThat(sessions.open(given)).isNull();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void aSessionIdIsRandomUrlSafeAndNotTheToken() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String id = sessions.open(TOKEN);
            assertThat(id).hasSize(43).matches("[A-Za-z0-9_-]+").doesNotContain(TOKEN);
            ids.add(id);
        }
        assertThat(ids).hasSize(50);
        assertThat(sessions.size()).isEqualTo(50);
    }

    @Test
    void aSessionLivesTwelveHoursSinceItsLastUse() {
        String id = sessions.open(TOKEN);

        clock.advance(Sessions.IDLE_EXPIRY.minusSeconds(1));
        assertThat(sessions.touch(id)).as("used just before expiry: slides").isTrue();
        clock.advance(Sessions.IDLE_EXPIRY.minusSeconds(1));
        assertThat(sessions.touch(id)).as("23 h 59 min 58 s after opening, used 11 h 59 min 59 s ago").isTrue();
        clock.advance(Sessions.IDLE_EXPIRY);
        assertThat(sessions.touch(id)).as("exactly 12 h unused").isFalse();
        assertThat(sessions.size()).isZero();
        clock.set(START);
        assertThat(sessions.touch(id)).as("an expired session is gone, not dormant").isFalse();
    }

    @Test
    void expiredSessionsAreDroppedWhenAnotherOpens() {
        String old = sessions.open(TOKEN);
        clock.advance(Sessions.IDLE_EXPIRY.plusSeconds(1));

        String fresh = sessions.open(TOKEN);

        assertThat(sessions.size()).isEqualTo(1);
        assertThat(sessions.touch(fresh)).isTrue();
        assertThat(sessions.touch(old)).isFalse();
    }

    @Test
    void atMostAHundredSessionsAndTheLeastRecentlyUsedGoesFirst() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Sessions.MAX_SESSIONS; i++) {
            ids.add(sessions.open(TOKEN));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(sessions.touch(ids.get(0))).as("the oldest, used again now").isTrue();

        String extra = sessions.open(TOKEN);

        assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
        assertThat(sessions.touch(extra)).isTrue();
        assertThat(sessions.touch(ids.get(0))).as("recently used: kept").isTrue();
        assertThat(sessions.touch(ids.get(1))).as("least recently used: dropped").isFalse();
        assertThat(ids.subList(2, ids.size())).allMatch(sessions::touch);
    }

    @Test
    void closingEndsOnlyThatSession() {
        String a = sessions.open(TOKEN);
        String b = sessions.open(TOKEN);

        sessions.close(a);
        sessions.close(null);
        sessions.close("no-such-session");

        assertThat(sessions.touch(a)).isFalse();
        assertThat(sessions.touch(b)).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "not-a-session", TOKEN})
    void unknownIdsAreNoSession(String id) {
        sessions.open(TOKEN);

        assertThat(sessions.touch(id)).isFalse();
    }
}
