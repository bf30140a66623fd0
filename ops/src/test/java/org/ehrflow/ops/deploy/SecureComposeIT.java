package org.ehrflow.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.localstack.FreePorts;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.secure.yml, checked with the real pieces it is made of (no container engine runs here): the
 * secrets come from {@code deploy/secure/make-secrets.sh}; the broker is started by {@code deploy/secure/kafka-start.sh}
 * from {@code deploy/secure/kafka/server.properties}, with Kafka's own storage tool and server main standing in for
 * the image's scripts (same Kafka version); the ACL job is {@link KafkaAclsInit}; every Kafka client is built from
 * the overlay's environment for its service, exactly as the app reads it ({@link KafkaSettings#read}). Paths under
 * {@code /run/secrets} and host names are mapped to this test's directory and loopback ports, nothing else.
 */
@Timeout(300)
class SecureComposeIT {

    private static final Path SECURE = DeployFiles.ROOT.resolve("deploy/secure");
    private static final String TLS_QUERY = "sslmode=verify-full&sslrootcert=/run/secrets/client-tls/ca.crt";

    @TempDir
    Path dir;

    private Path secrets;

    private void makeSecrets() throws Exception {
        secrets = dir.resolve("secrets");
        run(new ProcessBuilder("bash", SECURE.resolve("make-secrets.sh").toString(), secrets.toString()), 120);
    }

    @Test
    void everyServiceReachesKafkaAsItsOwnPrincipalWithOnlyItsGrantsAndNoPlaintextListenerExists() throws Exception {
        makeSecrets();
        int port = FreePorts.pick();
        int controller = FreePorts.pick();
        Path config = dir.resolve("server.properties");
        Files.writeString(config, local(Files.readString(SECURE.resolve("kafka/server.properties")))
                .replace("listeners=SASL_SSL://:9092", "listeners=SASL_SSL://127.0.0.1:" + port)
                .replace("SASL_SSL://kafka:9092", "SASL_SSL://127.0.0.1:" + port)
                .replace("localhost:9093", "127.0.0.1:" + controller)
                .replace("/var/lib/kafka/data", dir.resolve("data").toString()));
        Process broker = startBroker(config);
        try {
            Map<String, Map<String, Object>> overlay = overlay();
            Map<String, String> adminEnv = env(overlay.get("kafka-acls"), port);
            KafkaSettings admin = KafkaSettings.read(adminEnv);
            awaitBroker(admin, broker);
            TopicAdmin.ensureTopics(admin, 1, (short) 1);
            KafkaAclsInit.apply(adminEnv);
            KafkaAclsInit.apply(adminEnv); // the job runs on every `up`: idempotent

            Map<String, String> writes = new TreeMap<>();
            for (String service : List.of("hl7-listener", "fhir-gateway", "fhir-normalizer", "chunker-stream",
                    "embedder-sink", "cdc-capture", "document-extractor", "document-ocr", "ops")) {
                KafkaSettings s = KafkaSettings.read(env(overlay.get(service), port));
                assertThat(s.clientProperties()).containsEntry("security.protocol", "SASL_SSL")
                        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
                writes.put(service, (canWrite(s, Topics.RAW_HL7V2.name()) ? "hl7 " : "")
                        + (canWrite(s, Topics.RAW_FHIR.name()) ? "fhir " : "")
                        + (canWrite(s, Topics.CHUNKS.name()) ? "chunks" : ""));
            }
            assertThat(writes).containsExactlyInAnyOrderEntriesOf(Map.of("hl7-listener", "hl7 ", "fhir-gateway",
                    "fhir ", "fhir-normalizer", "", "chunker-stream", "chunks", "embedder-sink", "",
                    "cdc-capture", "", "document-extractor", "", "document-ocr", "", "ops", ""));

            // A wrong password is refused at authentication, and nothing listens without TLS + SASL.
            Map<String, String> wrong = new HashMap<>(env(overlay.get("hl7-listener"), port));
            wrong.remove("EHRFLOW_KAFKA_SASL_JAAS_CONFIG_FILE");
            wrong.put("EHRFLOW_KAFKA_SASL_JAAS_CONFIG", Files.readString(secrets.resolve("kafka-jaas/hl7-listener.conf"))
                    .replaceAll("password=\"[^\"]*\"", "password=\"not-the-password\""));
            assertThatThrownBy(() -> canWrite(KafkaSettings.read(wrong), Topics.RAW_HL7V2.name()))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
            assertThatThrownBy(() -> canWrite(KafkaSettings.of("127.0.0.1:" + port), Topics.RAW_HL7V2.name()))
                    .isInstanceOf(ExecutionException.class);
        } finally {
            broker.destroyForcibly();
            broker.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void postgresAcceptsOnlyTlsAndTheOverlaysJdbcUrlsVerifyTheGeneratedCertificate() throws Exception {
        makeSecrets();
        Map<String, Map<String, Object>> overlay = overlay();
        try (LocalPostgres pg = LocalPostgres.startTemporary()) {
            pg.requireTls(secrets.resolve("postgres-tls/server.crt"), secrets.resolve("postgres-tls/server.key"));
            Map<String, String> urls = new TreeMap<>();
            overlay.forEach((name, service) -> env(service, 0).forEach((k, v) -> {
                if (k.endsWith("JDBC_URL")) {
                    urls.put(name + " " + k, v);
                }
            }));
            assertThat(urls).hasSizeGreaterThanOrEqualTo(7).allSatisfy((k, url) -> assertThat(url).as(k)
                    .contains("sslmode=verify-full").contains("sslrootcert=" + secrets.resolve("client-tls/ca.crt")));
            Properties login = new Properties();
            login.setProperty("user", pg.superuser());
            login.setProperty("password", pg.superuserPassword().value());
            for (String url : urls.values()) {
                String local = url.replace("//postgres:5432/", "//127.0.0.1:" + pg.port() + "/")
                        .replaceAll("/(rag|ehr)\\?", "/postgres?");
                try (Connection c = DriverManager.getConnection(local, login); Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBoolean(1)).isTrue();
                }
            }
            // cdc-capture builds its URL from DB_* settings: the base file's, then the overlay's, as compose merges them.
            Map<String, String> cdcEnv = new HashMap<>(env(base().get("cdc-capture"), 0));
            cdcEnv.putAll(env(overlay.get("cdc-capture"), 0));
            cdcEnv.put("EHRFLOW_CDC_DB_HOST", "127.0.0.1");
            cdcEnv.put("EHRFLOW_CDC_DB_PORT", Integer.toString(pg.port()));
            cdcEnv.put("EHRFLOW_CDC_DB_PASSWORD", "stand-in");
            String cdcUrl = CdcConfig.fromEnv(cdcEnv).jdbcUrl().replace("/ehr?", "/postgres?");
            assertThat(cdcUrl).contains("sslmode=verify-full");
            try (Connection c = DriverManager.getConnection(cdcUrl, login); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port()
                    + "/postgres?sslmode=disable", login)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no encryption");
        }
    }

    /** The overlay's services; YAML merge keys resolved. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> overlay() throws Exception {
        return (Map<String, Map<String, Object>>) DeployFiles.yaml(DeployFiles.ROOT.resolve("docker-compose.secure.yml"))
                .get("services");
    }

    /** The base file's services. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> base() throws Exception {
        return (Map<String, Map<String, Object>>) DeployFiles.yaml(DeployFiles.ROOT.resolve("docker-compose.yml"))
                .get("services");
    }

    /** A service's environment with secret paths in this test's directory and the broker on loopback. */
    @SuppressWarnings("unchecked")
    private Map<String, String> env(Map<String, Object> service, int port) {
        Map<String, String> out = new HashMap<>();
        ((Map<String, Object>) service.getOrDefault("environment", Map.of())).forEach((k, v) -> out.put(k,
                local(DeployFiles.composeDefault(String.valueOf(v))).replace("kafka:9092", "127.0.0.1:" + port)));
        return out;
    }

    private String local(String text) {
        return text.replace("/run/secrets/", secrets.toString() + "/");
    }

    private Process startBroker(Path config) throws Exception {
        Path home = dir.resolve("kafka-home/bin");
        Files.createDirectories(home);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        // What the apache/kafka image's two scripts run, for the same Kafka version.
        script(home.resolve("kafka-storage.sh"), java + " -cp '" + cp + "' kafka.tools.StorageTool \"$@\"");
        script(home.resolve("kafka-server-start.sh"), java + " -Xmx512m -cp '" + cp + "' kafka.Kafka \"$@\"");
        ProcessBuilder pb = new ProcessBuilder("bash", SECURE.resolve("kafka/kafka-start.sh").toString());
        pb.environment().put("KAFKA_HOME", home.getParent().toString());
        pb.environment().put("EHRFLOW_KAFKA_SERVER_PROPERTIES", config.toString());
        pb.environment().put("EHRFLOW_KAFKA_USERS_DIR", secrets.resolve("kafka-users").toString());
        File log = dir.resolve("broker.log").toFile();
        return pb.redirectErrorStream(true).redirectOutput(log).start();
    }

    private static void script(Path file, String command) throws Exception {
        Files.writeString(file, "#!/usr/bin/env bash\nexec " + command + "\n", StandardCharsets.UTF_8);
        file.toFile().setExecutable(true);
    }

    private void awaitBroker(KafkaSettings admin, Process broker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Properties p = admin.clientProps();
        p.put("request.timeout.ms", "3000");
        p.put("default.api.timeout.ms", "3000");
        try (Admin a = Admin.create(p)) {
            while (true) {
                if (!broker.isAlive()) {
                    throw new AssertionError("broker exited: " + Files.readString(dir.resolve("broker.log")));
                }
                try {
                    if (!a.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("broker not ready: " + Files.readString(dir.resolve("broker.log")), e);
                    }
                }
                Thread.sleep(200);
            }
        }
    }

    /** Whether {@code s} may write {@code topic}: true, false when refused by an ACL; anything else throws. */
    private static boolean canWrite(KafkaSettings s, String topic) throws Exception {
        Properties p = s.clientProps();
        p.put("max.block.ms", "8000");
        p.put("delivery.timeout.ms", "8000");
        p.put("request.timeout.ms", "4000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, new byte[] {1})).get(15, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | KafkaException e) {
            // Refused: in the send's future, or, when the idempotent producer's id request was refused before the
            // send (a race), thrown by send() itself as a KafkaException caused by the authorization error.
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof AuthorizationException) {
                    return false;
                }
            }
            throw e;
        }
    }

    private static void run(ProcessBuilder pb, int seconds) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
