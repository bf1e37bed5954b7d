package io.prometheus.metrics.config;

import java.util.Map;

/**
 * Vitals' replacement for the Prometheus client's properties loader (the shade filter in
 * agent/core/pom.xml drops the original): every setting at its default, read from nowhere.
 *
 * <p>The original reads {@code prometheus.properties} from the context class loader, the file named
 * by {@code PROMETHEUS_CONFIG} or {@code -Dprometheus.config}, {@code io.prometheus.*} system
 * properties and {@code IO_PROMETHEUS_*} environment variables: the application's configuration of
 * its own Prometheus client. Inside the agent it would apply that configuration to our registry,
 * and, since relocation renames the property names our copy looks for, reject every
 * {@code IO_PROMETHEUS_*} variable as unknown and throw, taking {@code /metrics} down with it
 * (as would a {@code PROMETHEUS_CONFIG} file it cannot read).
 *
 * <p>Micrometer's registry and the client's {@code PrometheusProperties.get()} are the only callers;
 * Vitals configures nothing through them. Same binary API as the original's public methods.
 */
public class PrometheusPropertiesLoader {

    /** The defaults. */
    public static PrometheusProperties load() throws PrometheusPropertiesException {
        return PrometheusProperties.builder().build();
    }

    /**
     * The defaults; {@code externalProperties} are ignored (Micrometer passes only its exemplar
     * default, and Vitals exports no exemplars).
     */
    public static PrometheusProperties load(Map<Object, Object> externalProperties)
            throws PrometheusPropertiesException {
        return load();
    }
}
