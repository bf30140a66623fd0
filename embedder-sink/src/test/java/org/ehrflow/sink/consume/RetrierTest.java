package org.ehrflow.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ehrflow.runtime.Secret;
import org.ehrflow.sink.error.DlqPublisher;
import org.ehrflow.sink.error.ReasonCodes;
import org.ehrflow.sink.error.RecordFailure;
import org.ehrflow.sink.error.SinkFatalException;
import org.ehrflow.sink.error.SinkStoppedException;
import org.ehrflow.sink.store.PgSession;
import org.junit.jupiter.api.Test;

class RetrierTest {

    // Never connects: the work below never asks it for a connection; reset() on no connection is a no-op.
    private final PgSession pg = new PgSession("jdbc:postgresql://127.0.0.1:1/none", "u", new Secret(""));
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Retrier retrier = new Retrier(pg, Duration.ofMillis(1), Duration.ofMillis(4), running::get,
            retries::incrementAndGet);

    @Test
    void retriesTransientFaultsUntilTheWorkSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        int result = retrier.run("test", () -> {
            if (calls.incrementAndGet() <= 3) {
                throw new SQLException("serialization", calls.get() == 2 ? "40P01" : "40001");
            }
            return 7;
        });
        assertThat(result).isEqualTo(7);
        assertThat(retries).hasValue(3);
    }

    @Test
    void reportsFailingFromTheFirstTransientFaultUntilWorkSucceeds() {
        AtomicBoolean seenFailing = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        assertThat(retrier.failing()).isFalse();
        retrier.run("test", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new SQLException("connection refused", "08001");
            }
            seenFailing.set(retrier.failing());
            return null;
        });
        assertThat(seenFailing).as("not ready while the outage lasts").isTrue();
        assertThat(retrier.failing()).as("ready again after a success").isFalse();
    }

    @Test
    void retriesAnUnacknowledgedDeadLetter() {
        AtomicInteger calls = new AtomicInteger();
        retrier.run("test", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new DlqPublisher.DlqUnavailableException(new TimeoutException());
            }
            return null;
        });
        assertThat(calls).hasValue(2);
    }

    @Test
    void aDataErrorBecomesARecordFailureWithoutRetry() {
        assertThatThrownBy(() -> retrier.run("test", () -> {
            throw new SQLException("dup", "23505");
        })).isInstanceOf(RecordFailure.class)
                .satisfies(e -> assertThat(((RecordFailure) e).reasonCode()).isEqualTo(ReasonCodes.PG_REJECTED))
                .hasMessageContaining("23505");
        assertThat(retries).hasValue(0);
    }

    @Test
    void anAuthenticationErrorIsFatal() {
        assertThatThrownBy(() -> retrier.run("the batch write", () -> {
            throw new SQLException("password authentication failed for user", "28P01");
        })).isInstanceOf(SinkFatalException.class).hasMessageContaining("EHRFLOW_SINK_PASSWORD");
    }

    @Test
    void stoppingEndsTheRetryLoop() {
        assertThatThrownBy(() -> retrier.run("test", () -> {
            running.set(false);
            throw new SQLException("gone", "08006");
        })).isInstanceOf(SinkStoppedException.class);
    }
}
