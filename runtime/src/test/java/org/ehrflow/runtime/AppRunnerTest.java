package org.ehrflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one lifecycle every app runs under: exit codes, readiness, failure policy, drain. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AppRunnerTest {

    /** A test app: readiness and failure set by the test, closes counted. */
    private static final class FakeApp implements AppRunner.Running {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public boolean ready() {
            return ready.get();
        }

        @Override
        public String failure() {
            return failure.get();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private record Cfg(int opsPort) {
        static Cfg read(Map<String, String> env) {
            ConfigReader r = new ConfigReader(env, "EHRFLOW_RUNNERTEST_");
            int port = r.integer("OPS_PORT", 0, 0, 65535);
            r.validate();
            return new Cfg(port);
        }
    }

    private static AppRunner<Cfg> runner(AppRunner.Starter<Cfg> starter) {
        return new AppRunner<>("runner-test", Cfg::read, c -> new AppRunner.OpsAddress("127.0.0.1", c.opsPort()),
                starter, Duration.ofMillis(20));
    }

    @Test
    void anInvalidConfigurationExitsTwoWithoutStarting() {
        AtomicBoolean started = new AtomicBoolean();
        int code = runner((c, r) -> {
            started.set(true);
            return new FakeApp();
        }).run(Map.of("EHRFLOW_RUNNERTEST_OPS_PORT", "-5"));
        assertThat(code).isEqualTo(AppRunner.BAD_CONFIG);
        assertThat(started).isFalse();
    }

    @Test
    void aStartThatThrowsExitsThree() {
        int code = runner((c, r) -> {
            throw new IllegalStateException("port 1 in use");
        }).run(Map.of());
        assertThat(code).isEqualTo(AppRunner.START_FAILED);
    }

    @Test
    void readinessIsServedAndAFailureClosesTheAppAndExitsOne() throws Exception {
        FakeApp app = new FakeApp();
        AppRunner<Cfg> runner = runner((c, r) -> app);
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> runner.run(Map.of()));
        int port = awaitOpsPort(runner);
        assertThat(status(port, "/ready")).isEqualTo(503);
        app.ready.set(true);
        assertThat(status(port, "/ready")).isEqualTo(200);
        app.failure.set("Kafka Streams stopped in state ERROR");
        assertThat(code.get(10, TimeUnit.SECONDS)).isEqualTo(AppRunner.FAILED);
        assertThat(app.closes).hasValue(1);
        assertThat(runner.awaitStopped(Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void stopDrainsOnceAndExitsZero() throws Exception {
        FakeApp app = new FakeApp();
        AppRunner<Cfg> runner = runner((c, r) -> app);
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> runner.run(Map.of()));
        Thread.sleep(100);
        runner.stop();
        runner.stop();
        assertThat(code.get(10, TimeUnit.SECONDS)).isEqualTo(AppRunner.OK);
        assertThat(app.closes).hasValue(1);
    }

    @Test
    void unknownKeysUnderTheAppsPrefixesAreReportedAndFailInStrictMode() {
        Map<String, String> env = Map.of("EHRFLOW_RUNNERTEST_OPS_PORT", "0", "EHRFLOW_RUNNERTEST_OPS_PROT", "1",
                "EHRFLOW_OTHERAPP_ANYTHING", "x", ConfigReader.STRICT, "true");
        Cfg.read(env);
        assertThat(ConfigReader.unknownKeys(env)).contains("EHRFLOW_RUNNERTEST_OPS_PROT")
                .doesNotContain("EHRFLOW_RUNNERTEST_OPS_PORT", "EHRFLOW_OTHERAPP_ANYTHING");
        AtomicBoolean started = new AtomicBoolean();
        int code = runner((c, r) -> {
            started.set(true);
            return new FakeApp();
        }).run(env);
        assertThat(code).isEqualTo(AppRunner.BAD_CONFIG);
        assertThat(started).isFalse();
    }

    @Test
    void streamStatesMapToOneReadinessAndFailurePolicy() {
        enum State { CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR }
        assertThat(List.of(State.values()).stream().filter(AppRunner::streamsReady).toList())
                .containsExactly(State.RUNNING);
        assertThat(List.of(State.values()).stream().filter(s -> AppRunner.streamsFailure("x", s) != null).toList())
                .containsExactly(State.NOT_RUNNING, State.PENDING_ERROR, State.ERROR);
    }

    private static int awaitOpsPort(AppRunner<?> runner) throws InterruptedException {
        for (int i = 0; i < 500 && runner.opsPort() < 0; i++) {
            Thread.sleep(10);
        }
        return runner.opsPort();
    }

    private static int status(int port, String path) throws IOException, InterruptedException {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }
}
