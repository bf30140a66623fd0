package org.ehrflow.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;

class DocumentExtractorConfigTest {

    @Test
    void defaultsFromAnEmptyEnvironment() {
        DocumentExtractorConfig c = DocumentExtractorConfig.fromEnv(Map.of());
        assertThat(c.limits().maxBytes()).isEqualTo(50L * 1024 * 1024);
        assertThat(c.limits().ocrPageTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.fetch().fhirBaseUrl()).isNull();
        assertThat(c.ocrThreads()).isEqualTo(2);
        assertThat(c.ocrNiceness()).isEqualTo(10);
        assertThat(c.lanes()).isEqualTo(DocumentExtractorConfig.Lanes.BOTH);
        assertThat(c.opsPort()).isEqualTo(DocumentExtractorConfig.DEFAULT_OPS_PORT);
        // The slow lane polls one record at a time with a poll interval that outlasts a record's worst case.
        assertThat(c.slowLaneProperties().get(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)))
                .isEqualTo(1);
        assertThat((int) c.slowLaneProperties().get(
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG))).isGreaterThan(300_000);
        assertThat(c.fastLaneProperties().get(StreamsConfig.APPLICATION_ID_CONFIG))
                .isEqualTo(Topics.APP_DOCUMENT_EXTRACTOR);
        assertThat(c.slowLaneProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void everyProblemIsReportedOnceNamingTheKeys() {
        assertThatThrownBy(() -> DocumentExtractorConfig.fromEnv(Map.of(
                "EHRFLOW_DOCUMENTS_MAX_PAGES", "0",
                "EHRFLOW_DOCUMENTS_OCR_PAGE_TIMEOUT", "soon",
                "EHRFLOW_DOCUMENTS_FHIR_BEARER_TOKEN", "s3cret-token",
                "EHRFLOW_DOCUMENTS_LANES", "sideways")))
                .hasMessageContaining("EHRFLOW_DOCUMENTS_MAX_PAGES")
                .hasMessageContaining("EHRFLOW_DOCUMENTS_OCR_PAGE_TIMEOUT")
                .hasMessageContaining("EHRFLOW_DOCUMENTS_FHIR_BEARER_TOKEN needs EHRFLOW_DOCUMENTS_FHIR_BASE_URL")
                .hasMessageContaining("EHRFLOW_DOCUMENTS_LANES")
                .message().doesNotContain("s3cret-token");
    }

    @Test
    void fetchSettingsAndTheTokenIsMasked() {
        DocumentExtractorConfig c = DocumentExtractorConfig.fromEnv(Map.of(
                "EHRFLOW_DOCUMENTS_FHIR_BASE_URL", "https://ehr.example.org/fhir",
                "EHRFLOW_DOCUMENTS_FHIR_BEARER_TOKEN", "s3cret-token",
                "EHRFLOW_DOCUMENTS_FETCH_ALLOWED_HOSTS", "Docs.Example.org, cdn.example.org",
                "EHRFLOW_DOCUMENTS_LANES", "slow"));
        assertThat(c.fetch().allowedHosts()).containsExactlyInAnyOrder("docs.example.org", "cdn.example.org");
        assertThat(c.lanes()).isEqualTo(DocumentExtractorConfig.Lanes.SLOW);
        assertThat(c.toString()).doesNotContain("s3cret-token");
    }

    @Test
    void theOcrLaneAloneDefaultsToItsOwnOpsPort() {
        assertThat(DocumentExtractorConfig.fromEnv(Map.of("EHRFLOW_DOCUMENTS_LANES", "SLOW")).opsPort())
                .isEqualTo(DocumentExtractorConfig.DEFAULT_OCR_OPS_PORT);
        assertThat(DocumentExtractorConfig.fromEnv(Map.of("EHRFLOW_DOCUMENTS_LANES", "FAST")).opsPort())
                .isEqualTo(DocumentExtractorConfig.DEFAULT_OPS_PORT);
        assertThat(DocumentExtractorConfig.fromEnv(Map.of("EHRFLOW_DOCUMENTS_LANES", "SLOW",
                "EHRFLOW_DOCUMENTS_OPS_PORT", "9000")).opsPort()).isEqualTo(9000);
    }
}
