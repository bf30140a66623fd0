package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The EHR database crashes under a running capture and comes back seconds later: the capture must notice (not
 * ready, engine restarts counted), replace its engine by itself and deliver the changes made before and after the
 * outage. Before {@code EngineSupervisor}, Debezium gave up ("Couldn't obtain encoding for database ehr" while the
 * server was down) and no further change was ever captured in that process.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CdcDatabaseOutageIT {

    @Test
    void aDatabaseCrashDelaysCaptureButLosesNothing() throws Exception {
        byte[] pw = new byte[16];
        ThreadLocalRandom.current().nextBytes(pw);
        Secret cdcPassword = new Secret(HexFormat.of().formatHex(pw));
        try (LocalPostgres pg = LocalPostgres.startTemporary(); KafkaFixture kafka = KafkaFixture.start()) {
            pg.createDatabase("ehr");
            EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword);
            TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), 1, (short) 1);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CdcConfig config = CdcConfig.defaults(KafkaSettings.of(kafka.bootstrapServers()), pg.host(), pg.port(),
                    cdcPassword).withIntervals(Duration.ofSeconds(1), Duration.ofMillis(10))
                    .withRestartBackoff(Duration.ofMillis(200), Duration.ofSeconds(2));
            try (RawTopicReader reader = new RawTopicReader(kafka.bootstrapServers(), 1);
                    CdcCaptureApp app = CdcCaptureApp.start(config, registry)) {
                await("capture streaming").atMost(Duration.ofSeconds(60)).until(app::isRunning);
                long before;
                try (EhrWriter ehr = new EhrWriter(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword())) {
                    before = ehr.insertPatient("MRN-OUTAGE-1", "Testperson", "Kim", LocalDate.of(1970, 5, 6),
                            "unknown");
                }
                reader.await("patients", "c", before, Duration.ofSeconds(60));

                pg.crash();
                await("the outage noticed").atMost(Duration.ofSeconds(60)).until(() -> !app.isRunning());
                // Long enough for Debezium's own task restart to fail against the stopped server.
                await("an engine replaced while the server is down").atMost(Duration.ofSeconds(60))
                        .until(() -> registry.get("ehrflow.cdc.engine.restarts").counter().count() >= 1);
                TimeUnit.SECONDS.sleep(2);
                pg.restartAfterCrash();

                long after;
                try (EhrWriter ehr = new EhrWriter(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword())) {
                    after = ehr.insertPatient("MRN-OUTAGE-2", "Testperson", "Sam", LocalDate.of(1980, 7, 8),
                            "unknown");
                }
                reader.await("patients", "c", after, Duration.ofSeconds(90));
                await("ready again").atMost(Duration.ofSeconds(30)).until(app::isRunning);
                assertThat(registry.get("ehrflow.cdc.running").gauge().value()).isEqualTo(1.0);
                assertThat(app.failure()).as("the outage is reported").isPresent();
            }
        }
    }
}
