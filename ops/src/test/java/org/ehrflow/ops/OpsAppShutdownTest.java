package org.ehrflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.ehrflow.runtime.KafkaSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ops app stops promptly on close (SIGTERM in a container) even while a round waits on a lost broker. */
class OpsAppShutdownTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeDoesNotWaitOutARoundAgainstAnUnreachableBroker() throws Exception {
        // Port 1 on loopback: nothing listens, so every Kafka call of a round blocks until its own timeout.
        OpsApp app = OpsApp.start(OpsConfig.defaults(KafkaSettings.of("127.0.0.1:1")), new SimpleMeterRegistry());
        Thread.sleep(1500); // let the first round get stuck in a broker call

        long started = System.nanoTime();
        app.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Before: up to 30 s for the round plus a minute for Admin.close(), and a failing consumer close.
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertThat(app.isReady()).isFalse();
    }
}
