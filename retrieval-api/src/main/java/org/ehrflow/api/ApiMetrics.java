package org.ehrflow.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.ehrflow.api.http.ApiServer;

/** The API's meters: requests in flight (more to come with the benchmark's latency timers). */
final class ApiMetrics {

    private ApiMetrics() {
    }

    static void bind(MeterRegistry registry, ApiServer server) {
        Gauge.builder("ehrflow.api.requests.in_flight", server, ApiServer::inFlight).register(registry);
    }
}
