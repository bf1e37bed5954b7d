package dev.vitals.agent.http;

import dev.vitals.agent.AgentInfo;
import dev.vitals.agent.instrument.HookStatus;
import dev.vitals.agent.instrument.RecorderProblem;
import dev.vitals.agent.sampling.SamplingStatus;
import io.undertow.server.RoutingHandler;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/health}: the agent itself — up, which version, since when, how it was
 * loaded, what each instrumentation did, the last problem each recorder met and carried on
 * from, and how sampling and history are doing (the last sample's cost among them). Public (no token), so that tools can check an agent is there; it carries nothing secret.
 */
public final class HealthRoutes implements Routes {

    /** The response body. */
    public record Health(String status, String version, double uptimeSeconds, long pid, String javaVersion,
            String vmName, String attachedVia, String appName, List<HookStatus> hooks,
            List<RecorderProblem> problems, SamplingStatus sampling) {
    }

    private final AgentInfo info;
    private final Supplier<List<HookStatus>> hooks;
    private final Supplier<List<RecorderProblem>> problems;
    private final Supplier<SamplingStatus> sampling;
    private final Responses responses;

    public HealthRoutes(AgentInfo info, Supplier<List<HookStatus>> hooks, Supplier<List<RecorderProblem>> problems,
            Supplier<SamplingStatus> sampling, Responses responses) {
        this.info = info;
        this.hooks = hooks;
        this.problems = problems;
        this.sampling = sampling;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/health", exchange -> responses.json(exchange, 200, health()));
    }

    Health health() {
        return new Health("up", info.version(), info.uptimeSeconds(), info.pid(), info.javaVersion(), info.vmName(),
                info.attachedVia(), info.appName(), hooks.get(), problems.get(), sampling.get());
    }
}
