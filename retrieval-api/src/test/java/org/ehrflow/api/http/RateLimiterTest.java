package org.ehrflow.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void burstThenSustainedRatePerClient() {
        AtomicLong now = new AtomicLong();
        RateLimiter l = new RateLimiter(2, 3, now::get);
        assertThat(l.tryAcquire("a")).isZero();
        assertThat(l.tryAcquire("a")).isZero();
        assertThat(l.tryAcquire("a")).isZero();
        assertThat(l.tryAcquire("a")).as("burst spent").isEqualTo(1);
        assertThat(l.tryAcquire("b")).as("another client has its own bucket").isZero();
        now.addAndGet(500_000_000L); // half a second: one token at 2/s
        assertThat(l.tryAcquire("a")).isZero();
        assertThat(l.tryAcquire("a")).isPositive();
    }
}
