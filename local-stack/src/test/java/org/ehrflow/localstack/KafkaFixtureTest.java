package org.ehrflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KafkaFixtureTest {

    @Test
    void embeddedModeNeverProbesDocker() {
        assertThat(KafkaFixture.choose(Map.of(KafkaFixture.MODE_ENV,
                "embedded"))).isEqualTo(KafkaFixture.Kind.EMBEDDED);
        assertThat(KafkaFixture.choose(Map.of(KafkaFixture.MODE_ENV,
                " Embedded "))).isEqualTo(KafkaFixture.Kind.EMBEDDED);
    }

    @Test
    void containerModeIsHonoured() {
        assertThat(KafkaFixture.choose(Map.of(KafkaFixture.MODE_ENV,
                "container"))).isEqualTo(KafkaFixture.Kind.CONTAINER);
    }

    @Test
    void unknownModeIsRejectedWithTheVariableName() {
        assertThatThrownBy(() -> KafkaFixture.choose(Map.of(KafkaFixture.MODE_ENV, "zookeeper")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(KafkaFixture.MODE_ENV);
    }

    @Test
    void autoDetectionAnswersQuickly() {
        long started = System.nanoTime();
        KafkaFixture.Kind kind = KafkaFixture.choose(Map.of());
        long millis = (System.nanoTime() - started) / 1_000_000;
        // the answer depends on the machine; the bound does not (the probe has a 10 s timeout)
        assertThat(kind).isNotNull();
        assertThat(millis).isLessThan(12_000);
    }
}
