package org.ehrflow.cdc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Slot lag arithmetic, the events/s window, heartbeat age; and that no meter carries a row value as a label. */
class OpsMetricsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void slotLagInBytesAndSeconds() {
        SlotLag lag = new SlotLag();
        lag.observe(T0, 1000, 1000); // caught up
        assertThat(lag.bytes()).isZero();
        assertThat(lag.seconds()).isZero();
        lag.observe(T0.plusSeconds(5), 1500, 1000); // WAL moved on, slot did not
        lag.observe(T0.plusSeconds(10), 2000, 1000);
        assertThat(lag.bytes()).isEqualTo(1000);
        assertThat(lag.seconds()).isEqualTo(5.0); // first seen past confirmed at T0+5
        lag.observe(T0.plusSeconds(15), 2500, 1800); // confirmed past the T0+5 sample, not past T0+10
        assertThat(lag.bytes()).isEqualTo(700);
        assertThat(lag.seconds()).isEqualTo(5.0); // T0+10 is the oldest unconfirmed sample
        lag.observe(T0.plusSeconds(20), 2600, 2600);
        assertThat(lag.seconds()).isZero();
    }

    @Test
    void eventRateOverTenSeconds() {
        AtomicLong nanos = new AtomicLong(Duration.ofSeconds(100).toNanos());
        EventRate rate = new EventRate(10, nanos::get);
        for (int s = 0; s < 10; s++) {
            rate.add(50); // 50 events in each of 10 seconds
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertThat(rate.perSecond()).isEqualTo(45.0); // the oldest second left the window
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(rate.perSecond()).isZero(); // quiet for longer than the window
    }

    @Test
    void heartbeatAgeAndEventsRateGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant[] now = {T0};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        CdcMetrics m = new CdcMetrics(registry, clock, () -> 0L);
        assertThat(registry.get("ehrflow.cdc.heartbeat.age").gauge().value()).isNaN();
        m.heartbeat();
        now[0] = T0.plusMillis(2500);
        assertThat(registry.get("ehrflow.cdc.heartbeat.age").gauge().value()).isEqualTo(2.5);
        m.published("ehr.notes", "c", T0, T0);
        assertThat(registry.get("ehrflow.cdc.events.rate").gauge().value()).isEqualTo(0.1);
        // labels are table, op, reason, kind: never values
        assertThat(registry.getMeters()).flatExtracting(x -> x.getId().getTags())
                .extracting(t -> t.getKey()).containsOnly("table", "op");
        assertThat(registry.getMeters()).extracting(Meter::getId).isNotEmpty();
    }
}
