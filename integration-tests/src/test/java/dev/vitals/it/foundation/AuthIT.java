package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.LoadPath;
import dev.vitals.it.harness.Monitored;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import dev.vitals.it.apps.IdleApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token: every path but {@code /api/v1/health} needs {@code Authorization: Bearer <token>};
 * the token never appears in a response; its file is private to the JVM's user. One JVM with
 * {@code -javaagent}, shared (the tests only read).
 */
class AuthIT {

    /** Distinctive, so finding it in a body cannot be a coincidence. */
    private static final String TOKEN = "auth-it-" + UUID.randomUUID();

    private static final String CONFIG = "/api/v1/config";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    private static Vitals vitals;

    @BeforeAll
    static void startJvm() {
        Monitored app = jvms.startMonitored(LoadPath.PREMAIN, jvms.idleApp("auth-app"), "^" + IdleApp.READY,
                AgentOptions.of("port", "0", "token", TOKEN, "state.dir", jvms.newDir("state").toString()));
        vitals = app.vitals();
        vitals.awaitHealthy(JavaProcess.STARTUP);
    }

    @Test
    void healthNeedsNoToken() {
        Response response = vitals.getWithoutToken(Vitals.HEALTH);

        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.json().path("status").asText()).isEqualTo("up");
    }

    @Test
    void missingTokenIsUnauthorizedJson() {
        Response response = vitals.getWithoutToken(CONFIG);

        assertUnauthorized(response);
    }

    @Test
    void wrongTokenIsUnauthorized() {
        Response response = vitals.get(CONFIG, TOKEN + "-wrong");

        assertUnauthorized(response);
        assertThat(response.body()).doesNotContain(TOKEN);
    }

    @Test
    void unknownPathWithoutTokenIsUnauthorizedToo() {
        Response response = vitals.getWithoutToken("/api/v1/no-such-resource");

        assertUnauthorized(response);
    }

    @Test
    void rightTokenOpensConfigWithoutShowingTheToken() {
        Response response = vitals.get(CONFIG, TOKEN);

        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.json().path("values").isObject()).as("%s", response).isTrue();
        assertThat(response.body()).as("the token's value must never be served").doesNotContain(TOKEN);
    }

    @Test
    void unknownPathWithRightTokenIsNotFoundJson() {
        Response response = vitals.get("/api/v1/no-such-resource", TOKEN);

        assertThat(response.status()).as("%s", response).isEqualTo(404);
        assertThat(response.header("Content-Type")).as("%s", response).startsWith("application/json");
        assertThat(response.json().path("error").asText()).as("%s", response).isEqualTo("not_found");
        assertThat(response.json().has("message")).as("%s", response).isTrue();
    }

    @Test
    void tokenFileHoldsTheTokenAndIsPrivateToTheUser() throws IOException {
        assertThat(vitals.token()).isEqualTo(TOKEN);
        assertThat(Files.getPosixFilePermissions(vitals.tokenFile()))
                .as("permissions of %s", vitals.tokenFile())
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }

    private static void assertUnauthorized(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(401);
        assertThat(response.header("Content-Type")).as("%s", response).startsWith("application/json");
        JsonNode body = response.json();
        assertThat(body.path("error").asText()).as("%s", response).isEqualTo("unauthorized");
        assertThat(body.has("message")).as("%s", response).isTrue();
    }
}
