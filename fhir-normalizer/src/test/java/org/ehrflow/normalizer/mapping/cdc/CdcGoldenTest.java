package org.ehrflow.normalizer.mapping.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ehrflow.normalizer.mapping.Fixtures;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;

/**
 * Golden comparison: the corpus of {@link CdcGoldenCorpus} mapped now must equal, line for line, what the
 * hand-written demo-EHR mappers produced (src/test/resources/cdc-golden/demo-ehr.txt, written by them before they
 * were deleted: run with -Dcdc.golden.write=true to rewrite it, which only that commit did).
 */
class CdcGoldenTest {

    static final String GOLDEN = "/cdc-golden/demo-ehr.txt";
    static final LinkLookup KNOWN = Fixtures.links(Map.of(
            "ehr-patient:7", PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345"),
            "ehr-encounter:3", Ids.encounter(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "V100")));

    static List<String> render(RawMapper mapper) {
        List<String> lines = new ArrayList<>();
        for (CdcGoldenCorpus.Event e : CdcGoldenCorpus.events(60)) {
            MappingResult r = mapper.map("ehr-patient:7", cdc(e.envelope()), e.linksKnown() ? KNOWN : LinkLookup.NONE);
            lines.add(render(r));
        }
        return lines;
    }

    static String render(MappingResult r) {
        if (r instanceof MappingResult.Mapped m) {
            StringBuilder b = new StringBuilder("MAPPED learned=").append(new TreeMap<>(m.learned()));
            for (FhirRecord f : m.records()) {
                b.append(" | ").append(f.patientKey()).append(' ').append(f.op()).append(' ')
                        .append(f.resourceType()).append(' ').append(f.resourceId()).append(" v=")
                        .append(f.versionId()).append(" enc=").append(f.encounterId()).append(" src=")
                        .append(f.provenance().sourceMessageId()).append(' ').append(f.provenance().sourceSystem())
                        .append(' ').append(f.provenance().eventTime()).append(' ').append(f.resourceJson());
            }
            return b.toString();
        }
        return r.toString();
    }

    @Test
    void configuredMappingEqualsTheHandWrittenMappersOutput() throws IOException {
        List<String> now = render(CdcMappers.demo(PatientKeyResolver.defaults(),
                PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR"));
        if (Boolean.getBoolean("cdc.golden.write")) {
            Path p = Path.of("src/test/resources" + GOLDEN);
            Files.createDirectories(p.getParent());
            Files.write(p, now, StandardCharsets.UTF_8);
        }
        List<String> golden;
        try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertThat(now).hasSize(golden.size());
        for (int i = 0; i < golden.size(); i++) {
            assertThat(now.get(i)).as("event %d", i).isEqualTo(golden.get(i));
        }
        // The corpus exercises every outcome.
        assertThat(golden).anyMatch(l -> l.contains(" DELETE ")).anyMatch(l -> l.contains(" UPSERT "))
                .anyMatch(l -> l.startsWith("AwaitingLink")).anyMatch(l -> l.startsWith("Rejected"));
    }
}
