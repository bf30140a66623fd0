package org.ehrflow.listener.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.ehrflow.hl7.Er7;
import org.ehrflow.hl7.Er7Parser;
import org.ehrflow.hl7.MshHeader;
import org.ehrflow.hl7.PidIdentifiers;
import org.ehrflow.hl7.Segment;
import org.ehrflow.listener.Fixtures;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.hl7.Hl7v2Mapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listener and fhir-normalizer key a message alike (raw key == normalised patient key), and a sender's resend
 * of the same MSH-10 maps to the very same resources (the duplicate converges instead of adding a resource).
 */
class NormalizerAgreementTest {

    private static final Path CORPUS = Path.of("../../shared/corpus/hl7v2");

    private final Hl7v2Mapper normaliser = new Hl7v2Mapper(PatientKeyResolver.defaults(), ZoneOffset.UTC);

    private static Hl7Intake intakeAt(Instant now) {
        return new Hl7Intake(StandardCharsets.UTF_8, Set.of("P", "T", "D"), PatientKeyResolver.defaults(),
                ZoneOffset.UTC, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Hl7Intake.Accepted accept(Hl7Intake intake, String msg) {
        return (Hl7Intake.Accepted) intake.accept(msg.getBytes(StandardCharsets.UTF_8));
    }

    private List<FhirRecord> normalise(Hl7Intake.Accepted a) {
        MappingResult r = normaliser.map(a.key(), a.message(), LinkLookup.NONE);
        assertThat(r).as("normaliser result").isInstanceOf(MappingResult.Mapped.class);
        return ((MappingResult.Mapped) r).records();
    }

    @Test
    void barePid3IsScopedToTheSendingFacilityLikeTheNormaliser() {
        // PID-3 "555" has no CX-4: it belongs to MSH-4 SENDFAC, an unmapped authority.
        String msg = Fixtures.ADT_A01.replace("12345^^^HOSP^MR~999999999^^^SSA^SS", "555");
        Hl7Intake.Accepted a = accept(intakeAt(Instant.EPOCH), msg);
        assertThat(a.key()).isEqualTo(PatientKey.of(PatientKeyResolver.UNMAPPED_AUTHORITY_PREFIX + "SENDFAC", "555"));
        assertThat(normalise(a)).isNotEmpty().allSatisfy(r -> assertThat(r.patientKey()).isEqualTo(a.key()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // bare PID-3, facility HOSP (mapped to the MRN system)
        "MSH|^~\\&|APP|HOSP|R|F|20240101||ADT^A01|K1|P|2.5.1\rPID|1||777\r",
        // no MSH-4: MSH-3 is the authority
        "MSH|^~\\&|APP||R|F|20240101||ADT^A01|K2|P|2.5.1\rPID|1||777\r",
        // explicit-null CX-4 namespace, universal id present
        "MSH|^~\\&|APP|FAC|R|F|20240101||ADT^A01|K3|P|2.5.1\rPID|1||777^^^\"\"&urn:oid:1.2.3^MR\r",
        // untyped identifier after an SS number of an unmapped authority
        "MSH|^~\\&|APP|FAC|R|F|20240101||ADT^A08|K4|P|2.5.1\rPID|1||111^^^SSA^SS~888\r",
        // pre-2.3 feed: PID-3 empty, PID-2 carries the id
        "MSH|^~\\&|APP|FAC|R|F|20240101||ADT^A01|K5|P|2.2\rPID|1|4242||\r",
        // HD with universal id on MSH-4 and escaped delimiter in the value
        "MSH|^~\\&|APP|FAC^1.2.3^ISO|R|F|20240101||ADT^A01|K6|P|2.5.1\rPID|1||A\\S\\1^^^HOSP^MR\r",
        // issue 13, Epic order: the patient only in PID-2 and PID-4, typed EPI (fallback tier)
        "MSH|^~\\&|EPIC|EPICFAC|R|F|20240101||ORM^O01|K7|P|2.3\rPID|1|E100^^^EPIC^EPI||E200^^^EPIC^EPI\r"
                + "ORC|NW|ORD7\rOBR|1|ORD7||CBC^Blood count\r",
        // issue 13: PID-3 names only an SSN; PID-4 carries the EPI
        "MSH|^~\\&|EPIC|EPICFAC|R|F|20240101||ADT^A08|K8|P|2.3\rPID|1||111^^^SSA^SS|E200^^^EPIC^EPI\r",
        // issue 13, European ADT: typed PK and CF, no MR
        "MSH|^~\\&|KIS|OSP|R|F|20240101||ADT^A01|K9|P|2.5\rPID|1||RSSMRA80A01H501U^^^MEF^CF~00123^^^KIS^PK\r",
        // issue 17: a hex escape in CX-1 (the listener read A\X41\1, the normaliser AA1; one reader now)
        "MSH|^~\\&|APP|FAC|R|F|20240101||ADT^A01|K10|P|2.5.1\rPID|1||A\\X41\\1^^^HOSP^MR\r",
        // issue 17: doubled-backslash MSH-2 and a non-standard delimiter set with a truncation character
        "MSH|^~\\\\&|APP|FAC|R|F|20240101||ADT^A01|K11|P|2.5.1\rPID|1||B\\T\\2^^^HOSP^MR\r",
        "MSH#$%!*@#APP#FAC#R#F#20240101##ADT$A01#K12#P#2.7\rPID#1##C!S!3$$$HOSP$MR\r"})
    void rawKeyEqualsNormalisedPatientKey(String msg) {
        Hl7Intake.Accepted a = accept(intakeAt(Instant.EPOCH), msg);
        assertThat(a.key()).isNotEqualTo(PatientKey.unscoped(a.message().provenance().sourceSystem()));
        assertThat(normalise(a)).isNotEmpty().allSatisfy(r -> assertThat(r.patientKey()).isEqualTo(a.key()));
    }

    @Test
    void everyCorpusMessageTheNormaliserMapsIsKeyedAlike() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "shared corpus not present");
        List<Path> files;
        try (Stream<Path> s = Files.list(CORPUS)) {
            files = s.filter(f -> f.toString().endsWith(".hl7")).sorted().toList();
        }
        Hl7Intake intake = intakeAt(Instant.EPOCH);
        List<String> disagree = new ArrayList<>();
        int compared = 0;
        for (Path f : files) {
            if (!(intake.accept(Files.readAllBytes(f)) instanceof Hl7Intake.Accepted a)) {
                continue;
            }
            if (normaliser.map(a.key(), a.message(), LinkLookup.NONE) instanceof MappingResult.Mapped m
                    && !m.records().isEmpty()) {
                compared++;
                // A merge message may carry several PID/MRG pairs; the raw key is the first PID's patient.
                boolean merge = m.records().stream().anyMatch(r -> r.op() == RecordOp.MERGE);
                List<FhirRecord> compare = merge ? m.records().subList(0, 1) : m.records();
                if (!compare.stream().allMatch(r -> messagePatient(r).equals(a.key()))) {
                    disagree.add(f.getFileName().toString());
                }
            }
        }
        assertThat(compared).isGreaterThan(20);
        assertThat(disagree).isEmpty();
    }

    @Test
    void issue13TiersKeepEveryCorpusKeyThatExisted() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "shared corpus not present");
        PatientKeyResolver keys = PatientKeyResolver.defaults();
        int keyedBefore = 0;
        List<String> moved = new ArrayList<>();
        try (Stream<Path> s = Files.list(CORPUS)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".hl7")).sorted().toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8).replace("\r\n", "\r")
                        .replace('\n', '\r');
                int msh = text.indexOf("MSH");
                if (msh < 0) {
                    continue;
                }
                text = text.substring(msh);
                var parsed = MshHeader.parse(text);
                if (parsed.isEmpty()) {
                    continue;
                }
                var h = parsed.get();
                Segment pid = Er7Parser.find(Er7.normalise(text), h.delimiters(), "PID");
                if (pid == null) {
                    continue;
                }
                var primary = RawPatientKey.candidates(PidIdentifiers.primary(pid, h.defaultAuthority()));
                var before = keys.hl7PatientKey(primary);
                var after = keys.hl7PatientKey(primary,
                        RawPatientKey.candidates(PidIdentifiers.alternates(pid, h.defaultAuthority())));
                if (before.isPresent()) {
                    keyedBefore++;
                    if (!before.equals(after)) {
                        moved.add(f.getFileName().toString());
                    }
                }
            }
        }
        assertThat(keyedBefore).isGreaterThan(50);
        assertThat(moved).isEmpty();
    }

    /**
     * The PID patient a record belongs to: its key, except for a merge (ADT^A40), which is keyed by the retired
     * patient (MRG-1) and names the surviving PID-3 patient as target.
     */
    private static String messagePatient(FhirRecord r) {
        return r.op() == RecordOp.MERGE ? r.targetPatientKey() : r.patientKey();
    }

    @Test
    void resentMessageMapsToTheSameResources() {
        // A sender whose AA was lost resends the same bytes (same MSH-10) later: a second raw record.
        String msg = Fixtures.adt("DUP-1") + "PV1|1|I|W^1^1||||||||||||||||V100\r"
                + "OBX|1|NM|8867-4^Heart rate^LN||72|/min|||||F\r";
        Hl7Intake.Accepted first = accept(intakeAt(Instant.parse("2025-01-01T00:00:00Z")), msg);
        Hl7Intake.Accepted resent = accept(intakeAt(Instant.parse("2025-01-01T00:00:30Z")), msg);
        assertThat(resent.key()).isEqualTo(first.key());
        List<FhirRecord> a = normalise(first);
        List<FhirRecord> b = normalise(resent);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            // Same (type, id, version): the sink upserts the row the first copy wrote; nothing new appears.
            assertThat(b.get(i).resourceType()).isEqualTo(a.get(i).resourceType());
            assertThat(b.get(i).resourceId()).isEqualTo(a.get(i).resourceId());
            assertThat(b.get(i).versionId()).isEqualTo(a.get(i).versionId());
            assertThat(b.get(i).patientKey()).isEqualTo(a.get(i).patientKey());
            assertThat(b.get(i).resourceJson()).isEqualTo(a.get(i).resourceJson());
        }
        assertThat(a.stream().map(FhirRecord::resourceType)).contains("Patient");
    }
}
