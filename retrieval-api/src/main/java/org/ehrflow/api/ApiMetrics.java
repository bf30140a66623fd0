package org.ehrflow.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.ehrflow.api.http.ApiServer;

/** The API's gauges; the per-request timer is recorded by ApiServer (endpoint, status, reason). */
final class ApiMetrics {

    private ApiMetrics() {
    }

    static void bind(MeterRegistry registry, ApiServer server) {
        Gauge.builder("ehrflow.api.requests.in_flight", server, ApiServer::inFlight).register(registry);
    }
}
