package org.ehrflow.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    // computed by the chain before request_count existed (V20 only): a one-request record must still hash to it
    private static final String ONE_REQUEST_HASH =
            "5c8a21aee55336816fa850520cc732f70336a91f5e42ed3f25deccdf8ac3fcd1";

    private final AuditChain chain = new AuditChain("k".repeat(32).getBytes(StandardCharsets.UTF_8));

    private static AuditRecord record(String patient, List<String> chunks) {
        return new AuditRecord(Instant.parse("2026-01-02T03:04:05.123456789Z"),
                UUID.fromString("00000000-0000-0000-0000-000000000001"), "POST /v1/retrieve", "app", "u",
                List.of("patient/*.read"), "TREAT", patient, "RAW", "h", null, 5, chunks, List.of("Observation/1"),
                chunks.size(), 200, "ALLOWED", null, 12);
    }

    @Test
    void hashCoversEveryFieldThePreviousHashAndTheSequence() {
        AuditRecord r = record("pk_a", List.of("c1"));
        String h = chain.hash(1, AuditChain.GENESIS, r);
        assertThat(chain.hash(1, AuditChain.GENESIS, record("pk_a", List.of("c1")))).isEqualTo(h);
        assertThat(chain.hash(1, AuditChain.GENESIS, record("pk_b", List.of("c1")))).isNotEqualTo(h);
        assertThat(chain.hash(2, AuditChain.GENESIS, r)).isNotEqualTo(h);
        assertThat(chain.hash(1, "1".repeat(64), r)).isNotEqualTo(h);
        // list boundaries are part of the encoding: ["c1","c2"] differs from ["c1|c2"]
        assertThat(chain.hash(1, AuditChain.GENESIS, record("pk_a", List.of("c1", "c2"))))
                .isNotEqualTo(chain.hash(1, AuditChain.GENESIS, record("pk_a", List.of("c1|c2"))));
    }

    @Test
    void nanosecondsBeyondWhatPostgresStoresDoNotChangeTheHash() {
        AuditRecord a = record("pk_a", List.of());
        AuditRecord b = new AuditRecord(Instant.parse("2026-01-02T03:04:05.123456Z"), a.requestId(), a.endpoint(),
                a.clientId(), a.userId(), a.scopes(), a.purposeOfUse(), a.patientKey(), a.textLevel(), a.queryHash(),
                a.queryText(), a.k(), a.chunkIds(), a.resourceRefs(), a.hitCount(), a.status(), a.outcome(),
                a.reason(), a.latencyMs());
        assertThat(chain.hash(3, AuditChain.GENESIS, a)).isEqualTo(chain.hash(3, AuditChain.GENESIS, b));
    }

    @Test
    void aCountedRecordIsChainedWithItsCountAndAOneRequestRecordAsBefore() {
        AuditRecord one = record("pk_a", List.of());
        String h = chain.hash(4, AuditChain.GENESIS, one);
        assertThat(one.requestCount()).isEqualTo(1);
        // the encoding of a one-request record is the one from before the count (V21): old chains verify
        assertThat(h).isEqualTo(ONE_REQUEST_HASH);
        AuditRecord counted = new AuditRecord(one.recordedAt(), one.requestId(), one.endpoint(), one.clientId(),
                one.userId(), one.scopes(), one.purposeOfUse(), one.patientKey(), one.textLevel(), one.queryHash(),
                one.queryText(), one.k(), one.chunkIds(), one.resourceRefs(), one.hitCount(), one.status(),
                one.outcome(), one.reason(), one.latencyMs(), 37);
        assertThat(chain.hash(4, AuditChain.GENESIS, counted)).isNotEqualTo(h);
        AuditRecord other = new AuditRecord(one.recordedAt(), one.requestId(), one.endpoint(), one.clientId(),
                one.userId(), one.scopes(), one.purposeOfUse(), one.patientKey(), one.textLevel(), one.queryHash(),
                one.queryText(), one.k(), one.chunkIds(), one.resourceRefs(), one.hitCount(), one.status(),
                one.outcome(), one.reason(), one.latencyMs(), 38);
        assertThat(chain.hash(4, AuditChain.GENESIS, other)).isNotEqualTo(chain.hash(4, AuditChain.GENESIS, counted));
    }

    @Test
    void queryHashIsKeyedAndStable() {
        assertThat(chain.queryHash("is the fever gone")).isEqualTo(chain.queryHash("is the fever gone"))
                .doesNotContain("fever").hasSize(64);
        AuditChain other = new AuditChain("x".repeat(32).getBytes(StandardCharsets.UTF_8));
        assertThat(other.queryHash("is the fever gone")).isNotEqualTo(chain.queryHash("is the fever gone"));
    }
}
