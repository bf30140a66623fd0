package org.ehrflow.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.ehrflow.api.http.ApiServer;
import org.ehrflow.embedding.QueryCache;

/** The API's gauges and cache counters; the per-request timer is recorded by ApiServer (endpoint, status, reason). */
final class ApiMetrics {

    private ApiMetrics() {
    }

    static void bind(MeterRegistry registry, ApiServer server, QueryCache cache) {
        Gauge.builder("ehrflow.api.requests.in_flight", server, ApiServer::inFlight).register(registry);
        if (cache != null) {
            FunctionCounter.builder("ehrflow.api.query_cache.requests", cache, QueryCache::hits).tag("result", "hit")
                    .description("questions answered from the question-vector cache").register(registry);
            FunctionCounter.builder("ehrflow.api.query_cache.requests", cache, QueryCache::misses)
                    .tag("result", "miss").description("questions the model embedded").register(registry);
            Gauge.builder("ehrflow.api.query_cache.entries", cache, QueryCache::size).register(registry);
        }
    }
}
