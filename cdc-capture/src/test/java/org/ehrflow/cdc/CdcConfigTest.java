package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.ehrflow.cdc.capture.EngineProperties;
import org.ehrflow.cdc.capture.MariaDbCompatDriver;
import org.ehrflow.cdc.mapping.CaptureTables;
import org.ehrflow.cdcmap.MappingLoader;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdcConfigTest {

    @Test
    void readsEveryKeyFromTheEnvironment() {
        CdcConfig c = CdcConfig.fromEnv(Map.of(
                "EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "EHRFLOW_CDC_DB_HOST", "ehr-db",
                "EHRFLOW_CDC_DB_PORT", "5433",
                "EHRFLOW_CDC_DB_PASSWORD", "s3cret",
                "EHRFLOW_CDC_DB_SSLMODE", "verify-full",
                "EHRFLOW_CDC_HEARTBEAT_INTERVAL", "PT5S",
                "EHRFLOW_CDC_POLL_INTERVAL", "50",
                "EHRFLOW_CDC_OFFSETS_REPLICATION_FACTOR", "3"));

        assertThat(c.dbHost()).isEqualTo("ehr-db");
        assertThat(c.dbPort()).isEqualTo(5433);
        assertThat(c.sslMode().value()).isEqualTo("verify-full");
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.offsetsReplicationFactor()).isEqualTo((short) 3);
        assertThat(c.dbUser()).isEqualTo("ehrflow_cdc");
        assertThat(c.slotName()).isEqualTo("ehrflow_slot");
        assertThat(c.offsetsTopic()).isEqualTo("ehr.cdc-capture.offsets.v1");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void aRootCertificateGoesToBothConnectionsAndMustBeReadable(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
        CdcConfig c = CdcConfig.fromEnv(Map.of("EHRFLOW_CDC_DB_PASSWORD", "pw", "EHRFLOW_CDC_DB_SSLMODE",
                "verify-full", "EHRFLOW_CDC_DB_SSLROOTCERT", ca.toString()));
        assertThat(c.jdbcUrl()).contains("sslmode=verify-full").contains("&sslrootcert=" + ca);
        assertThat(EngineProperties.of(c)).containsEntry("database.sslrootcert", ca.toString())
                .containsEntry("database.sslmode", "verify-full");
        assertThat(EngineProperties.of(CdcConfig.defaults(KafkaSettings.of("b:9092"), "h", 5432, new Secret("pw"))))
                .doesNotContainKey("database.sslrootcert");
        assertThatThrownBy(() -> CdcConfig.fromEnv(Map.of("EHRFLOW_CDC_DB_SSLROOTCERT", dir.resolve("none").toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_CDC_DB_SSLROOTCERT")));
    }

    @Test
    void collectsEveryProblem() {
        assertThatThrownBy(() -> CdcConfig.fromEnv(Map.of(
                "EHRFLOW_CDC_DB_PORT", "x",
                "EHRFLOW_CDC_DB_SSLMODE", "sometimes",
                "EHRFLOW_CDC_SLOT", "Bad-Slot",
                "EHRFLOW_CDC_OFFSETS_REPLICATION_FACTOR", "0",
                "EHRFLOW_CDC_DB_USER", "postgres")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(5)
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_CDC_DB_PORT"))
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_CDC_DB_SSLMODE"))
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_CDC_SLOT"))
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_CDC_OFFSETS_REPLICATION_FACTOR"))
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_CDC_DB_USER")));
    }

    @Test
    void engineSettingsPinTheContract() {
        CdcConfig c = CdcConfig.defaults(KafkaSettings.of("b:9092"), "127.0.0.1", 5432, new Secret("pw"));
        Properties p = EngineProperties.of(c);

        assertThat(p).containsEntry("plugin.name", "pgoutput")
                .containsEntry("publication.name", "ehrflow_pub")
                .containsEntry("publication.autocreate.mode", "disabled")
                .containsEntry("slot.name", "ehrflow_slot")
                .containsEntry("slot.drop.on.stop", "false")
                .containsEntry("table.include.list", "ehr.patients,ehr.encounters,ehr.notes,ehr.lab_results,"
                        + "ehr.medication_orders,ehr.allergies,ehr.diagnoses,ehr.debezium_signal")
                .containsEntry("signal.data.collection", "ehr.debezium_signal")
                .containsEntry("decimal.handling.mode", "string")
                .containsEntry("snapshot.mode", "initial")
                .containsEntry("tombstones.on.delete", "false")
                .containsEntry("heartbeat.interval.ms", "10000")
                .containsEntry("poll.interval.ms", "25")
                .containsEntry("topic.prefix", "ehrdb")
                .containsEntry("database.user", "ehrflow_cdc")
                .containsEntry("database.sslmode", "prefer")
                .containsEntry("offset.storage", "org.ehrflow.cdc.capture.KafkaOffsetStore")
                .containsEntry("offset.storage.topic", "ehr.cdc-capture.offsets.v1")
                .containsEntry("offset.storage.partitions", "1")
                .containsEntry("bootstrap.servers", "b:9092")
                .containsEntry("converter.schemas.enable", "false");
        assertThat(p.getProperty("heartbeat.action.query")).contains("ehr.cdc_heartbeat");
    }

    @Test
    void mariaDbEngineIsReadAndValidated() {
        CdcConfig c = CdcConfig.fromEnv(Map.of(
                "EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "EHRFLOW_CDC_ENGINE", "mariadb",
                "EHRFLOW_CDC_DB_NAME", "clinic",
                "EHRFLOW_CDC_SERVER_ID", "6001",
                "EHRFLOW_CDC_SCHEMA_HISTORY_TOPIC", "clinic.history.v1"));

        assertThat(c.engine()).isEqualTo(CdcConfig.Engine.MARIADB);
        assertThat(c.dbPort()).isEqualTo(3306);
        assertThat(c.serverId()).isEqualTo(6001);
        assertThat(c.schemaHistoryTopic()).isEqualTo("clinic.history.v1");
        assertThat(c.jdbcUrl()).startsWith("jdbc:mysql://localhost:3306/clinic?sslMode=PREFERRED");
        assertThat(CdcConfig.fromEnv(Map.of()).engine()).isEqualTo(CdcConfig.Engine.POSTGRES);
        assertThatThrownBy(() -> CdcConfig.fromEnv(Map.of("EHRFLOW_CDC_ENGINE", "oracle",
                "EHRFLOW_CDC_SERVER_ID", "0")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_CDC_ENGINE"))
                        .anySatisfy(p -> assertThat(p).startsWith("EHRFLOW_CDC_SERVER_ID")));
        assertThatThrownBy(() -> CdcConfig.fromEnv(Map.of("EHRFLOW_CDC_ENGINE", "mariadb",
                "EHRFLOW_CDC_DB_USER", "root")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .singleElement().satisfies(p -> assertThat(p).startsWith("EHRFLOW_CDC_DB_USER")));
    }

    @Test
    void mariaDbEngineSettingsPinTheContract() {
        CdcConfig c = CdcConfig.defaults(KafkaSettings.of("b:9092"), "db", 5432, new Secret("pw"))
                .withMariaDb(3307, "clinic", 77, "clinic.history.v1")
                .withMappingFile("classpath:org/ehrflow/cdcmap/clinic-ehr.yaml");
        Properties p = EngineProperties.of(c, CaptureTables.of(MappingLoader.load(c.mappingFile(), null)));

        assertThat(p).containsEntry("connector.class", "io.debezium.connector.mysql.MySqlConnector")
                .containsEntry("database.jdbc.driver", "org.ehrflow.cdc.capture.MariaDbCompatDriver")
                .containsEntry("database.protocol", "jdbc:ehrflow-mariadb")
                .containsEntry("database.port", "3307")
                .containsEntry("database.server.id", "77")
                .containsEntry("database.include.list", "clinic")
                .containsEntry("table.include.list", "clinic.pat_master,clinic.visit,clinic.result,clinic.doc_note")
                .containsEntry("schema.history.internal", "io.debezium.storage.kafka.history.KafkaSchemaHistory")
                .containsEntry("schema.history.internal.kafka.topic", "clinic.history.v1")
                .containsEntry("schema.history.internal.kafka.bootstrap.servers", "b:9092")
                .containsEntry("include.schema.changes", "false")
                .containsEntry("snapshot.mode", "initial")
                .containsEntry("snapshot.locking.mode", "minimal")
                .containsEntry("heartbeat.action.query", "UPDATE clinic.cdc_heartbeat SET ts = NOW(6) WHERE id = 1")
                .containsEntry("decimal.handling.mode", "string")
                .containsEntry("tombstones.on.delete", "false")
                .containsEntry("offset.storage.topic", "ehr.cdc-capture.offsets.v1")
                .doesNotContainKeys("slot.name", "publication.name", "signal.data.collection");
    }

    @Test
    void mariaDbDriverTranslatesOnlyTheBinlogStatusStatement() {
        assertThat(MariaDbCompatDriver.translate("SHOW BINARY LOG STATUS")).isEqualTo("SHOW MASTER STATUS");
        assertThat(MariaDbCompatDriver.translate(" show binary log status ")).isEqualTo("SHOW MASTER STATUS");
        assertThat(MariaDbCompatDriver.translate("SELECT 1")).isEqualTo("SELECT 1");
    }
}
