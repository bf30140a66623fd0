package org.ehrflow.cdcmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappingLoaderTest {

    static final Map<String, String> SETTINGS = Map.of("mrnSystem", "urn:mrn", "visitSystem", "urn:visit",
            "siteZone", "UTC");

    // Line numbers matter: the assertions below name them.
    static final String BROKEN = """
            schema: ehr
            tables:
              patients:
                resource: Patient
                key: [id]
                columns:
                  id: bigint
                  mrn: text phi
                  born: datetime
                patient: {identifier: mrn, system: "${nope}"}
                id: patient
                learn: ehr-patient
                elements:
                  - {path: gender, column: sex}
              notes:
                resource: DocumentReference
                key: [id]
                columns:
                  id: bigint
                  patient_id: bigint
                  written_at: text
                patient: {table: people, columns: [patient_id]}
                elements:
                  - {path: date, column: written_at, as: boolean}
                  - {path: context.encounter, reference: {table: encounters, column: encounter_id}}
                  - {path: type.text}
            """;

    @Test
    void demoMappingLoadsAndDeclaresSevenTables() {
        CdcMapping m = MappingLoader.load(MappingLoader.DEMO, SETTINGS);
        assertThat(m.schema()).isEqualTo("ehr");
        assertThat(m.tables()).containsOnlyKeys("patients", "encounters", "notes", "lab_results",
                "medication_orders", "allergies", "diagnoses");
        assertThat(m.table("patients").columns().get("mrn").phi()).isTrue();
        assertThat(m.table("patients").elements().get(0).parts().get("value").constant()).isEqualTo("urn:mrn");
        assertThat(UsedColumns.of(m.table("notes"))).contains("id", "patient_id", "encounter_id", "body", "status")
                .doesNotContain("updated_at");
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsLine() {
        assertThatThrownBy(() -> MappingLoader.parse("broken.yaml", new StringReader(BROKEN), SETTINGS))
                .isInstanceOfSatisfying(MappingException.class, e -> assertThat(e.problems())
                        .extracting(Problem::toString).containsExactlyInAnyOrder(
                                "broken.yaml:9: column patients.born: unknown type 'datetime' (known: "
                                        + ColumnTypes.KNOWN + ")",
                                "broken.yaml:10: unknown setting ${nope} (known: " + SETTINGS.keySet() + ")",
                                "broken.yaml:14: table patients: gender uses column 'sex', not in its columns",
                                "broken.yaml:22: table notes: patient refers to table 'people', which is not mapped",
                                "broken.yaml:24: table notes: date: as: boolean needs a column of type [boolean], "
                                        + "written_at is text",
                                "broken.yaml:25: table notes: context.encounter uses column 'encounter_id', not in "
                                        + "its columns",
                                "broken.yaml:25: table notes: context.encounter refers to table 'encounters', which "
                                        + "is not mapped",
                                "broken.yaml:26: table notes: an element needs 'path' and exactly one of "
                                        + "[column, const, concept, coding, quantity, join, reference, patient, "
                                        + "function]"))
                .hasMessageContaining("broken.yaml:9:");
    }

    @Test
    void liveSchemaCheckNamesMissingTablesColumnsAndTypeMismatches() {
        CdcMapping m = MappingLoader.load(MappingLoader.DEMO, SETTINGS);
        Map<String, Map<String, String>> live = new HashMap<>();
        for (TableMapping t : m.all()) {
            Map<String, String> cols = new HashMap<>();
            t.columns().values().forEach(c -> cols.put(c.name(), catalogName(c.type())));
            live.put(t.name(), cols);
        }
        assertThat(SchemaCheck.check(m, live)).isEmpty();
        live.remove("allergies");
        live.get("notes").remove("body");
        live.get("notes").put("body_html", "text");
        live.get("lab_results").put("value_numeric", "character varying");
        List<String> problems = SchemaCheck.check(m, live).stream().map(Problem::toString).toList();
        assertThat(problems).hasSize(3);
        assertThat(problems).anyMatch(p -> p.matches("demo-ehr\\.yaml:\\d+: table ehr\\.allergies does not exist.*"))
                .anyMatch(p -> p.matches("demo-ehr\\.yaml:\\d+: column notes\\.body does not exist in the database"))
                .anyMatch(p -> p.matches("demo-ehr\\.yaml:\\d+: column lab_results\\.value_numeric is declared "
                        + "double but the database has character varying"));
    }

    private static String catalogName(String type) {
        return switch (type) {
            case "timestamptz" -> "timestamp with time zone";
            case "double" -> "double precision";
            default -> type;
        };
    }
}
