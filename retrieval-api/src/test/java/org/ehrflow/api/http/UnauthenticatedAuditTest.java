package org.ehrflow.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.api.audit.AuditRecord;
import org.junit.jupiter.api.Test;

class UnauthenticatedAuditTest {

    private Instant now = Instant.parse("2026-05-01T10:00:00Z");
    private final List<AuditRecord> written = new ArrayList<>();
    private final UnauthenticatedAudit audit = new UnauthenticatedAudit(Duration.ofMinutes(1), new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }, written::add, false);

    @Test
    void aFloodFromOneAddressIsTheFirstRequestAloneAndOneCountedRecordPerWindow() {
        assertThat(audit.admit("10.0.0.1", "POST /v1/retrieve", 401)).isTrue();
        for (int i = 0; i < 1_000; i++) {
            now = now.plusMillis(50);
            assertThat(audit.admit("10.0.0.1", "POST /v1/retrieve", i < 500 ? 401 : 429)).isFalse();
        }
        // another address has its own window
        assertThat(audit.admit("10.0.0.2", "GET /v1/patients/{patient}/timeline", 401)).isTrue();
        audit.flushEnded();
        assertThat(written).as("the window is still open").isEmpty();

        now = Instant.parse("2026-05-01T10:01:00Z"); // the window [10:00, 10:01) has ended
        audit.flushEnded();
        assertThat(written).singleElement().satisfies(r -> {
            assertThat(r.requestCount()).isEqualTo(1_000);
            assertThat(r.status()).as("of the last").isEqualTo(429);
            assertThat(r.reason()).isEqualTo(UnauthenticatedAudit.REASON);
            assertThat(r.outcome()).isEqualTo("REFUSED");
            assertThat(r.clientId()).isNull();
            assertThat(r.patientKey()).isNull();
        });
    }

    @Test
    void aNewWindowAuditsItsFirstRequestAloneAgainAndCloseWritesOpenCounts() {
        assertThat(audit.admit("10.0.0.1", "POST /v1/retrieve", 401)).isTrue();
        assertThat(audit.admit("10.0.0.1", "POST /v1/retrieve", 401)).isFalse();
        assertThat(audit.admit("10.0.0.1", "POST /v1/retrieve", 401)).isFalse();
        now = now.plus(Duration.ofMinutes(1));
        // the next request of the address writes the ended window's count and is audited alone
        assertThat(audit.admit("10.0.0.1", "POST /v1/retrieve", 401)).isTrue();
        assertThat(written).extracting(AuditRecord::requestCount).containsExactly(2);
        assertThat(audit.admit("10.0.0.1", "POST /v1/citations/verify", 429)).isFalse();
        audit.close();
        assertThat(written).extracting(AuditRecord::requestCount).containsExactly(2, 1);
        assertThat(written.get(1).endpoint()).isEqualTo("POST /v1/citations/verify");
        assertThat(written.get(1).status()).isEqualTo(429);
    }

    @Test
    void aLoneRefusalWritesNoCount() {
        assertThat(audit.admit("10.0.0.9", "POST /v1/retrieve", 401)).isTrue();
        now = now.plus(Duration.ofMinutes(5));
        audit.flushEnded();
        audit.close();
        assertThat(written).isEmpty();
    }
}
