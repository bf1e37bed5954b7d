package dev.vitals.agent.http;

import io.undertow.server.RoutingHandler;

/** One HTTP resource: adds its paths to the router. Handlers read parameters, call one service, write JSON. */
public interface Routes {

    void register(RoutingHandler routing);
}
