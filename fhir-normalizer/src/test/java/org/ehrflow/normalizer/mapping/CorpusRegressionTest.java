package org.ehrflow.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ehrflow.hl7.Er7;
import org.ehrflow.hl7.Er7Parser;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.normalizer.mapping.fhir.FhirMapper;
import org.ehrflow.normalizer.mapping.hl7.Hl7v2Mapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;

/**
 * The shared corpus as a regression suite: every file maps or is rejected with a documented reason code, the
 * supported HL7 types all map, and every produced record validates. Prints a coverage table per message type.
 */
class CorpusRegressionTest {

    static final Path CORPUS = Path.of("../../shared/corpus");
    static final NormalizerConfig CONFIG = NormalizerConfig.defaults(KafkaSettings.of("unused:9092"));
    static final Hl7v2Mapper HL7 = new Hl7v2Mapper(CONFIG.patientKeyResolver(), CONFIG.hl7DefaultZone());
    static final FhirMapper FHIR = new FhirMapper(CONFIG.patientKeyResolver());

    /** type -> outcome ("MAPPED" or a reason code) -> files. */
    private final Map<String, Map<String, Integer>> coverage = new TreeMap<>();
    private final Map<String, String> learned = new HashMap<>();
    private final Map<String, Integer> unmapped = new TreeMap<>();
    private int records;

    /** The pinned coverage table: "type: OUTCOME=files, ..." per line. */
    private static final String EXPECTED = """
            FHIR Bundle: MAPPED=20
            FHIR NDJSON: MAPPED=3
            FHIR condition: MAPPED=1
            FHIR diagnosticreport: MAPPED=2
            FHIR documentreference: MAPPED=2
            FHIR encounter: MAPPED=1
            FHIR medicationrequest: MAPPED=1
            FHIR observation: MAPPED=2
            FHIR patient: MAPPED=1
            HL7 ADT^A01: HL7_NO_PATIENT_ID=1, MAPPED=11
            HL7 ADT^A02: MAPPED=1
            HL7 ADT^A03: MAPPED=2
            HL7 ADT^A04: MAPPED=6
            HL7 ADT^A05: MAPPED=1
            HL7 ADT^A06: MAPPED=1
            HL7 ADT^A08: MAPPED=3
            HL7 ADT^A09: MAPPED=1
            HL7 ADT^A11: MAPPED=2
            HL7 ADT^A13: MAPPED=1
            HL7 ADT^A28: MAPPED=2
            HL7 ADT^A29: MAPPED=1
            HL7 ADT^A31: MAPPED=2
            HL7 ADT^A40: MAPPED=2
            HL7 ADT^A41: HL7_UNSUPPORTED_TYPE=1
            HL7 ADT^A45: HL7_UNSUPPORTED_TYPE=1
            HL7 ADT^A47: MAPPED=1
            HL7 ADT^A60: MAPPED=1
            HL7 BAR^P01: HL7_NOT_CLINICAL=2
            HL7 BAR^P02: HL7_NOT_CLINICAL=1
            HL7 BAR^P12: HL7_NOT_CLINICAL=1
            HL7 DFT^P03: HL7_NOT_CLINICAL=4
            HL7 DFT^P11: HL7_NOT_CLINICAL=1
            HL7 MDM^T01: MAPPED=1
            HL7 MDM^T02: MAPPED=3
            HL7 MDM^T06: MAPPED=1
            HL7 MDM^T10: MAPPED=1
            HL7 MFN^M02: HL7_NOT_CLINICAL=1
            HL7 OMG^O19: MAPPED=1
            HL7 OML^O21: MAPPED=10
            HL7 ORM^O01: HL7_PARSE_ERROR=1, MAPPED=6
            HL7 ORU^R01: MAPPED=19
            HL7 OUL^R22: MAPPED=1
            HL7 OUL^R23: MAPPED=1
            HL7 OUL^R24: MAPPED=1
            HL7 PPR^PC1: MAPPED=1
            HL7 PPR^PC2: HL7_NO_PATIENT_ID=1
            HL7 PPR^PC3: HL7_NO_PATIENT_ID=1
            HL7 RDE^O01: MAPPED=3
            HL7 RDE^O11: MAPPED=2
            HL7 RDE^O25: MAPPED=1
            HL7 RDS^O13: MAPPED=1
            HL7 REF^I12: MAPPED=1
            HL7 REF^I14: MAPPED=1
            HL7 SIU^S12: MAPPED=3
            HL7 SIU^S13: MAPPED=1
            HL7 SIU^S14: MAPPED=2
            HL7 SIU^S26: MAPPED=1
            HL7 VXU^V04: MAPPED=4
            """;

    private static Map<String, Map<String, Integer>> expected() {
        Map<String, Map<String, Integer>> m = new TreeMap<>();
        for (String line : EXPECTED.strip().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] typeAndOutcomes = line.split(": ", 2);
            Map<String, Integer> outcomes = new TreeMap<>();
            for (String o : typeAndOutcomes[1].split(", ")) {
                String[] kv = o.split("=");
                outcomes.put(kv[0], Integer.parseInt(kv[1]));
            }
            m.put(typeAndOutcomes[0], outcomes);
        }
        return m;
    }

    @Test
    void everyCorpusFileMapsOrIsRejectedWithAReason() throws IOException {
        assertThat(CORPUS.resolve("hl7v2")).isDirectory();
        long started = System.nanoTime();
        for (Path p : files("hl7v2", ".hl7")) {
            String text = Files.readString(p, StandardCharsets.UTF_8);
            Er7Parser.MessageType type = Er7Parser.messageType(Er7.normalise(text));
            String label = "HL7 " + (type == null ? "?" : type.type() + "^" + type.event());
            record(label, p, HL7.map("k", Fixtures.hl7(text), LinkLookup.NONE));
        }
        // Bundles first: lone resources resolve their Patient through links the bundles teach. The bulk-export
        // Patients (ndjson) only teach links, like Patients published earlier on the raw topic would.
        for (Path p : files("fhir/bundles", ".json")) {
            record("FHIR Bundle", p, fhir(p));
        }
        // NDJSON bulk files as whole raw records, Patients first: they teach the links the others need.
        for (String name : List.of("Patient", "Condition", "DocumentReference")) {
            record("FHIR NDJSON", CORPUS.resolve("fhir/ndjson/smartbulk_10pt_" + name + ".000.ndjson"),
                    fhir(CORPUS.resolve("fhir/ndjson/smartbulk_10pt_" + name + ".000.ndjson")));
        }
        Map<Path, String> waiting = new TreeMap<>();
        for (Path p : files("fhir/resources", ".json")) {
            MappingResult r = fhir(p);
            String label = "FHIR " + p.getFileName().toString().split("_")[0];
            if (r instanceof MappingResult.AwaitingLink) {
                waiting.put(p, label); // parked; retried below as the topology releases it
            } else {
                record(label, p, r);
            }
        }
        for (Map.Entry<Path, String> w : waiting.entrySet()) {
            record(w.getValue(), w.getKey(), fhir(w.getKey()));
        }
        printCoverage();
        System.out.printf("mapped the corpus in %d ms (first use of HAPI contexts included)%n",
                (System.nanoTime() - started) / 1_000_000);
        coverage.forEach((type, outcomes) -> assertThat(outcomes).as(type).doesNotContainKey("AWAITING_PATIENT"));

        // Pinned outcomes per type: a change here is a regression (or an improvement to pin deliberately).
        Map<String, Map<String, Integer>> expected = expected();
        assertThat(coverage).as("coverage per message type").isEqualTo(expected);
        System.out.println("unmapped HL7 segments (counted, reported as ehrflow.normalizer.segments.unmapped): "
                + unmapped);
        assertThat(records).as("FHIR records from the corpus").isEqualTo(3995); // 3916 before issue 13; +4 from the two RDE^O01 files keyed by their EPI; +75 from the issue 17 types
    }

    private MappingResult fhir(Path p) throws IOException {
        return fhir(Files.readString(p, StandardCharsets.UTF_8));
    }

    private MappingResult fhir(String json) {
        MappingResult r = FHIR.map("k", Fixtures.fhir(json), Fixtures.links(learned));
        if (r instanceof MappingResult.Mapped m) {
            learned.putAll(m.learned());
        }
        return r;
    }

    private void record(String label, Path file, MappingResult r) {
        String outcome;
        if (r instanceof MappingResult.Mapped m) {
            outcome = "MAPPED";
            m.unmapped().forEach((seg, n) -> unmapped.merge(seg, n, Integer::sum));
            for (FhirRecord rec : m.records()) {
                byte[] bytes = Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t", rec);
                assertThat(SchemaValidator.problems(Topics.FHIR_RESOURCES, bytes)).as(file + " " + rec).isEmpty();
                records++;
            }
        } else if (r instanceof MappingResult.Rejected rej) {
            outcome = rej.reasonCode();
            assertThat(rej.reasonCode()).matches("[A-Z][A-Z0-9_]{2,63}");
        } else {
            outcome = "AWAITING_PATIENT";
        }
        coverage.computeIfAbsent(label, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    private void printCoverage() {
        StringBuilder sb = new StringBuilder("\ncorpus coverage (files per outcome)\n");
        sb.append(String.format("%-24s %s%n", "message type", "outcomes"));
        coverage.forEach((type, outcomes) -> sb.append(type).append(": ").append(outcomes.toString()
                .replaceAll("[{}]", "")).append('\n'));
        sb.append("FHIR records produced: ").append(records).append('\n');
        System.out.print(sb);
    }

    private static List<Path> files(String dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(CORPUS.resolve(dir))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
