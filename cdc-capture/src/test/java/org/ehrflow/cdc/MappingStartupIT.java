package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.ehrflow.cdc.capture.LiveSchema;
import org.ehrflow.cdcmap.CdcMapping;
import org.ehrflow.cdcmap.MappingLoader;
import org.ehrflow.cdcmap.SchemaCheck;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mapping file that does not fit the live schema stops cdc-capture at start-up, before any change is captured,
 * with every problem named by file and line (the demo schema from its migrations, a real PostgreSQL catalog).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MappingStartupIT {

    private static LocalPostgres pg;
    private static Secret cdcPassword;

    @BeforeAll
    static void startDatabase() {
        pg = LocalPostgres.startTemporary();
        pg.createDatabase("ehr");
        byte[] pw = new byte[16];
        ThreadLocalRandom.current().nextBytes(pw);
        cdcPassword = new Secret(HexFormat.of().formatHex(pw));
        EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword);
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void wrongMappingFailsAtStartUpNamingEveryProblem(@TempDir Path dir) throws IOException {
        String demo;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("org/ehrflow/cdcmap/demo-ehr.yaml")) {
            demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Three mistakes a site makes: a misspelt column, a wrong type, a table that is not in the database.
        String wrong = demo.replace("      family_name: text phi", "      familyname: text phi")
                .replace("      onset_date: date", "      onset_date: timestamptz")
                .replace("  allergies:\n", "  allergy_list:\n")
                .replace("{path: \"name[0].family\", column: family_name}",
                        "{path: \"name[0].family\", column: familyname}")
                .replace("if: [family_name, given_name]", "if: [familyname, given_name]");
        Path file = dir.resolve("site.yaml");
        Files.writeString(file, wrong);
        CdcConfig config = CdcConfig.defaults(KafkaSettings.of("127.0.0.1:9"), pg.host(), pg.port(), cdcPassword)
                .withMappingFile(file.toString());

        assertThatThrownBy(() -> CdcCaptureApp.start(config, new SimpleMeterRegistry()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "EHRFLOW_CDC_MAPPING_FILE site.yaml:" + line(wrong, "familyname: text")
                                + ": column patients.familyname does not exist in the database",
                        "EHRFLOW_CDC_MAPPING_FILE site.yaml:" + line(wrong, "allergy_list:")
                                + ": table ehr.allergy_list does not exist in the database (or the capture user "
                                + "cannot see it)",
                        "EHRFLOW_CDC_MAPPING_FILE site.yaml:" + line(wrong, "onset_date: timestamptz")
                                + ": column diagnoses.onset_date is declared timestamptz but the database has date"));
    }

    @Test
    void theSecondSchemasMappingFitsItsLiveSchema() throws Exception {
        String sql;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("db/clinic/V1__clinic_schema.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        CdcMapping clinic = MappingLoader.load("classpath:org/ehrflow/cdcmap/clinic-ehr.yaml", null);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("ehr"), pg.superuser(),
                pg.superuserPassword().value()); Statement st = c.createStatement()) {
            st.execute(sql);
            assertThat(SchemaCheck.check(clinic, LiveSchema.read(c, CdcConfig.Engine.POSTGRES, "clinic"))).isEmpty();
            st.execute("ALTER TABLE clinic.result RENAME COLUMN test_cd TO test_code");
            assertThat(SchemaCheck.check(clinic, LiveSchema.read(c, CdcConfig.Engine.POSTGRES, "clinic"))).extracting(Object::toString)
                    .containsExactly("clinic-ehr.yaml:" + line(yaml(), "      test_cd: text")
                            + ": column result.test_cd does not exist in the database");
        }
    }

    private static String yaml() throws IOException {
        try (InputStream in = MappingStartupIT.class.getClassLoader()
                .getResourceAsStream("org/ehrflow/cdcmap/clinic-ehr.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int line(String text, String needle) {
        return text.substring(0, text.indexOf(needle)).split("\n", -1).length;
    }
}
