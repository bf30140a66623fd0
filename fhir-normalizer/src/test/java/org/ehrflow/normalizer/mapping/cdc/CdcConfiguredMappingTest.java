package org.ehrflow.normalizer.mapping.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ehrflow.normalizer.mapping.CdcMapperTest.envelope;
import static org.ehrflow.normalizer.mapping.Fixtures.cdc;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.ehrflow.cdcmap.MappingException;
import org.ehrflow.cdcmap.Problem;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.CdcMapperTest;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the configuration-driven mapper adds over the golden comparison: schema drift, start-up path checks. */
class CdcConfiguredMappingTest {

    static final CdcMapper MAPPER = new CdcMapper(PatientKeyResolver.defaults(),
            PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR");

    @Test
    void aRowLackingAMappedColumnGoesToTheDlqAndAnAddedColumnIsIgnored() {
        // family_name renamed to surname while running: the row has no family_name any more.
        String renamed = CdcMapperTest.PATIENT_ROW.replace("\"family_name\"", "\"surname\"");
        assertThat(MAPPER.map("ehr-patient:7", cdc(envelope("u", "patients", renamed)), LinkLookup.NONE))
                .isEqualTo(MappingResult.Rejected.of(ReasonCodes.CDC_SCHEMA_DRIFT));
        // A column added while running: mapped as before, the new column is not mapped.
        String added = CdcMapperTest.PATIENT_ROW.replace("{\"id\":7,", "{\"id\":7,\"pager\":\"PAGER-X9\",");
        assertThat(mapped(MAPPER.map("ehr-patient:7", cdc(envelope("u", "patients", added)), LinkLookup.NONE)))
                .singleElement().extracting(r -> r.resourceJson()).asString().doesNotContain("PAGER-X9");
    }

    @Test
    void unknownResourcePathsFunctionsAndCodeTablesFailAtStartUpWithTheirLines(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                schema: s
                tables:
                  people:
                    resource: Patient
                    key: [id]
                    columns: {id: bigint, mrn: text, sex: text}
                    patient: {identifier: mrn, system: urn:x}
                    id: patient
                    learn: p
                    elements:
                      - {path: gendr, column: sex}
                      - {path: "name[0].familyName", column: sex}
                      - {path: gender, column: sex, codeTable: no-such-table}
                  things:
                    resource: Thing
                    key: [id]
                    columns: {id: bigint, pid: bigint}
                    patient: {table: people, columns: [pid]}
                """);
        assertThatThrownBy(() -> new CdcMapper(PatientKeyResolver.defaults(), file.toString(), "urn:m", "EHR",
                ZoneId.of("UTC"))).isInstanceOfSatisfying(MappingException.class, e -> assertThat(e.problems())
                        .extracting(Problem::toString).containsExactly(
                                "bad.yaml:11: table people: Patient has no element 'gendr' (path gendr)",
                                "bad.yaml:12: table people: Patient has no element 'familyName' (path "
                                        + "name[0].familyName)",
                                "bad.yaml:13: unknown code table 'no-such-table'",
                                "bad.yaml:14: table things: unknown FHIR R4 resource 'Thing'"));
    }
}
