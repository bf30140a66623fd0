package org.ehrflow.runtime.slot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The slot's lag in seconds, built from samples of the server's WAL position. */
class SlotLagTest {

    private final SlotLag lag = new SlotLag();

    @Test
    void aCaughtUpSlotLagsZero() {
        lag.observe(1_000, 100, 100);
        assertThat(lag.seconds()).isZero();
        lag.observe(2_000, 150, 150);
        assertThat(lag.seconds()).isZero();
        assertThat(lag.bytes()).isZero();
    }

    @Test
    void ageIsTimeSinceTheWalFirstPassedTheConfirmedPosition() {
        // WAL at 100 confirmed; at t=2 s the server is at 200 but the slot still confirms 100.
        lag.observe(1_000, 100, 100);
        lag.observe(2_000, 200, 100);
        assertThat(lag.seconds()).isZero();
        lag.observe(5_000, 300, 100);
        assertThat(lag.seconds()).isEqualTo(3.0);
        assertThat(lag.bytes()).isEqualTo(200);
        // The slot confirms 200: the oldest unconfirmed WAL is now what appeared by t=5 s.
        lag.observe(6_000, 300, 200);
        assertThat(lag.seconds()).isEqualTo(1.0);
        lag.observe(7_000, 300, 300);
        assertThat(lag.seconds()).isZero();
    }

    @Test
    void aConfirmedPositionAheadOfTheSampleCountsNoNegativeBytes() {
        lag.observe(1_000, 100, 150);
        assertThat(lag.bytes()).isZero();
        assertThat(lag.seconds()).isZero();
    }
}
