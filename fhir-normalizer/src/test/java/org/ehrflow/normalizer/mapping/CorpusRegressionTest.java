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
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.normalizer.mapping.fhir.FhirMapper;
import org.ehrflow.normalizer.mapping.hl7.Hl7Parser;
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
    private int records;

    @Test
    void everyCorpusFileMapsOrIsRejectedWithAReason() throws IOException {
        assertThat(CORPUS.resolve("hl7v2")).isDirectory();
        long started = System.nanoTime();
        for (Path p : files("hl7v2", ".hl7")) {
            String text = Files.readString(p, StandardCharsets.UTF_8);
            String[] type = Hl7Parser.messageType(Hl7Parser.normalise(text));
            String label = "HL7 " + (type == null ? "?" : type[0] + "^" + type[1]);
            record(label, p, HL7.map("k", Fixtures.hl7(text), LinkLookup.NONE));
        }
        // Bundles first: lone resources resolve their Patient through links the bundles teach. The bulk-export
        // Patients (ndjson) only teach links, like Patients published earlier on the raw topic would.
        for (Path p : files("fhir/bundles", ".json")) {
            record("FHIR Bundle", p, fhir(p));
        }
        for (String line : Files.readAllLines(CORPUS.resolve("fhir/ndjson/smartbulk_10pt_Patient.000.ndjson"))) {
            if (!line.isBlank()) {
                fhir(line);
            }
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

        for (String supported : List.of("HL7 ADT^A01", "HL7 ADT^A04", "HL7 ADT^A08", "HL7 ORU^R01", "HL7 MDM^T02")) {
            assertThat(coverage.get(supported)).as(supported).containsKey("MAPPED");
            assertThat(coverage.get(supported).keySet()).as(supported + " outcomes")
                    .allMatch(o -> o.equals("MAPPED") || o.equals("HL7_NO_PATIENT_ID"));
        }
        assertThat(coverage.get("FHIR Bundle")).containsOnlyKeys("MAPPED");
        coverage.forEach((type, outcomes) -> {
            if (type.startsWith("FHIR")) {
                assertThat(outcomes).as(type).containsOnlyKeys("MAPPED");
            }
        });
        coverage.forEach((type, outcomes) -> {
            if (!type.startsWith("HL7 ADT^A01") && !Hl7v2MapperSupport.supported(type) && type.startsWith("HL7")) {
                assertThat(outcomes).as(type).containsOnlyKeys("HL7_UNSUPPORTED_TYPE");
            }
        });
        assertThat(records).isGreaterThan(1000);
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
        coverage.forEach((type, outcomes) -> sb.append(String.format("%-24s %s%n", type, outcomes)));
        sb.append("FHIR records produced: ").append(records).append('\n');
        System.out.print(sb);
    }

    private static List<Path> files(String dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(CORPUS.resolve(dir))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** Supported-type labels of the HL7 registry. */
    static final class Hl7v2MapperSupport {
        static boolean supported(String label) {
            String[] t = label.substring(4).split("\\^");
            return t.length == 2 && Hl7v2Mapper.supports(t[0], t[1]);
        }
    }
}
