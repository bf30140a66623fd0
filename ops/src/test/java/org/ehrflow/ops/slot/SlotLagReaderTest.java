package org.ehrflow.ops.slot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The slot's lag in seconds, built from samples of the server's WAL position. */
class SlotLagReaderTest {

    private final SlotLagReader reader = new SlotLagReader("jdbc:postgresql://unused/ehr", "u", "p", "s",
            Clock.systemUTC());

    @Test
    void caughtUpSlotLagsZero() {
        assertThat(reader.lagSeconds(1_000, 100, 100)).isZero();
        assertThat(reader.lagSeconds(2_000, 150, 150)).isZero();
    }

    @Test
    void ageIsTimeSinceTheWalFirstPassedTheConfirmedPosition() {
        // WAL at 100 confirmed; at t=2 s the server is at 200 but the slot still confirms 100.
        assertThat(reader.lagSeconds(1_000, 100, 100)).isZero();
        assertThat(reader.lagSeconds(2_000, 200, 100)).isZero();
        assertThat(reader.lagSeconds(5_000, 300, 100)).isEqualTo(3.0);
        // The slot confirms 200: the oldest unconfirmed WAL is now what appeared by t=5 s.
        assertThat(reader.lagSeconds(6_000, 300, 200)).isEqualTo(1.0);
        assertThat(reader.lagSeconds(7_000, 300, 300)).isZero();
    }
}
