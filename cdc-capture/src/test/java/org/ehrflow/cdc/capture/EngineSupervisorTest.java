package org.ehrflow.cdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class EngineSupervisorTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A stand-in engine: fails at once for the first {@code failures} launches, then runs until closed. */
    private static final class FakeEngines implements EngineSupervisor.EngineFactory {
        final AtomicInteger launches = new AtomicInteger();
        final List<Long> launchedAt = new CopyOnWriteArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        private final int failures;

        FakeEngines(int failures) {
            this.failures = failures;
        }

        @Override
        public DebeziumEngine<?> build(DebeziumEngine.CompletionCallback onStop) {
            int n = launches.incrementAndGet();
            return new DebeziumEngine<Object>() {
                @Override
                public void run() {
                    launchedAt.add(System.nanoTime());
                    if (n <= failures) {
                        onStop.handle(false, "connection refused", new IllegalStateException("db down"));
                        return;
                    }
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    onStop.handle(true, "stopped", null);
                }

                @Override
                public void close() {
                    closed.countDown();
                }
            };
        }
    }

    @Test
    void aFailedEngineIsReplacedWithAGrowingBackOffUntilOneRuns() {
        FakeEngines engines = new FakeEngines(3);
        try (EngineSupervisor s = new EngineSupervisor(engines, Duration.ofMillis(50), Duration.ofMillis(400),
                registry)) {
            s.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> engines.launches.get() == 4);
            assertThat(registry.get("ehrflow.cdc.engine.restarts").counter().count()).isEqualTo(3.0);
            assertThat(s.lastFailure()).get().isInstanceOf(IllegalStateException.class);
            List<Long> at = engines.launchedAt;
            await().atMost(Duration.ofSeconds(5)).until(() -> at.size() == 4);
            long first = at.get(1) - at.get(0);
            long third = at.get(3) - at.get(2);
            assertThat(Duration.ofNanos(first)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            assertThat(Duration.ofNanos(third)).as("doubled twice").isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
        assertThat(engines.closed.getCount()).as("the running engine was closed").isZero();
    }

    @Test
    void closingDuringTheBackOffStartsNoOtherEngine() throws Exception {
        FakeEngines engines = new FakeEngines(Integer.MAX_VALUE);
        EngineSupervisor s = new EngineSupervisor(engines, Duration.ofSeconds(5), Duration.ofSeconds(5), registry);
        s.start();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> registry.get("ehrflow.cdc.engine.restarts").counter().count() == 1.0);
        s.close();
        Thread.sleep(200);
        assertThat(engines.launches).hasValue(1);
    }
}
