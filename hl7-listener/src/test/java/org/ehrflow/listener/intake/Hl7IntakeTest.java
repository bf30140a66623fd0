package org.ehrflow.listener.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.ehrflow.listener.Fixtures;
import org.ehrflow.listener.hl7.RejectReason;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Hl7IntakeTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private final Hl7Intake intake = new Hl7Intake(StandardCharsets.UTF_8, Set.of("P", "T", "D"),
            PatientKeyResolver.defaults(), ZoneOffset.UTC, Clock.fixed(NOW, ZoneOffset.UTC));

    private Hl7Intake.Result run(String msg) {
        return intake.accept(msg.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptedMessageIsKeyedByTheMrnAndCarriesProvenance() {
        Hl7Intake.Accepted a = (Hl7Intake.Accepted) run(Fixtures.ADT_A01.replace("\r", "\n"));
        // PID-3 12345 from HOSP maps to the default MRN system.
        assertThat(a.key()).isEqualTo(PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345"));
        RawMessage m = a.message();
        assertThat(m.contentType()).isEqualTo(RawMessage.ContentType.HL7V2_ER7);
        assertThat(m.payload()).isEqualTo(Fixtures.ADT_A01);             // normalised terminators
        assertThat(m.provenance().sourceType()).isEqualTo(SourceType.HL7V2);
        assertThat(m.provenance().sourceSystem()).isEqualTo("SENDAPP^SENDFAC");
        assertThat(m.provenance().sourceMessageId()).isEqualTo("MSG0001");
        assertThat(m.provenance().eventTime()).isEqualTo(Instant.parse("2024-01-02T02:04:05Z"));
        assertThat(m.provenance().ingestTime()).isEqualTo(NOW);
        assertThat(m.provenance().rawTopic()).isNull();
    }

    @Test
    void messageWithoutPidIsKeyedBySendingSystem() {
        String mfn = "MSH|^~\\&|MFAPP|MFFAC|R|F|20240101||MFN^M02|M1|P|2.3.1\rMFI|PRA\r";
        Hl7Intake.Accepted a = (Hl7Intake.Accepted) run(mfn);
        assertThat(a.key()).isEqualTo(PatientKey.unscoped("MFAPP^MFFAC"));
    }

    @Test
    void pidWithoutQualifyingIdentifierFallsBackToSendingSystem() {
        // PID-3 has only an SS number of an unmapped authority: not a key identifier.
        String msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|L1|P|2.5\rPID|1||123^^^SSA^SS\r";
        assertThat(((Hl7Intake.Accepted) run(msg)).key()).isEqualTo(PatientKey.unscoped("A^B"));
    }

    @Test
    void unparseableTimestampLeavesEventTimeEmpty() {
        Hl7Intake.Accepted a = (Hl7Intake.Accepted) run(Fixtures.ADT_A01.replace("20240102030405+0100", "soon"));
        assertThat(a.message().provenance().eventTime()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        // MSH-9 empty
        "MSH|^~\\&|A|B|C|D|20240101|||L1|P|2.5;MSH9_MISSING",
        // MSH-10 empty
        "MSH|^~\\&|A|B|C|D|20240101||ADT^A01||P|2.5;MSH10_MISSING",
        // MSH-11 'X' not in P,T,D
        "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|L1|X|2.5;PROCESSING_ID_UNSUPPORTED",
        // MSH-18 not supported
        "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|L1|P|2.5||||||ISO IR87;CHARSET_UNSUPPORTED",
        // no MSH at all
        "PID|1||12345^^^HOSP^MR;MSH_MISSING",
    })
    void invalidHeadersAreRejectedWithAReason(String msg, RejectReason reason) {
        Hl7Intake.Rejected r = (Hl7Intake.Rejected) run(msg + "\r");
        assertThat(r.reason()).isEqualTo(reason);
    }

    @Test
    void emptyProcessingIdIsAccepted() {
        assertThat(run("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|L1||2.5\r")).isInstanceOf(Hl7Intake.Accepted.class);
    }

    @Test
    void rejectedMessageKeepsItsHeaderForTheAck() {
        Hl7Intake.Rejected r = (Hl7Intake.Rejected) run("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|L7|X|2.5\r");
        assertThat(r.controlId()).isEqualTo("L7");
        assertThat(r.header().sendingApp()).isEqualTo("A");
        assertThat(r.key()).isEqualTo(PatientKey.unscoped("A^B"));
    }

    @Test
    void oversizedHeadStillYieldsTheHeader() {
        Hl7Intake.Rejected r = intake.oversized(Fixtures.ADT_A01.substring(0, 100).getBytes(StandardCharsets.UTF_8));
        assertThat(r.reason()).isEqualTo(RejectReason.FRAME_TOO_LARGE);
        assertThat(r.controlId()).isEqualTo("MSG0001");
    }

    @Test
    void allowListChecksMsh4ElseMsh3() {
        Hl7Intake guarded = new Hl7Intake(StandardCharsets.UTF_8, Set.of("P"), PatientKeyResolver.defaults(),
                ZoneOffset.UTC, Clock.fixed(NOW, ZoneOffset.UTC), Set.of("SENDFAC", "LONEAPP"));
        assertThat(guarded.accept(Fixtures.ADT_A01.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Hl7Intake.Accepted.class);
        // MSH-4 empty: MSH-3 names the sender.
        String noFacility = "MSH|^~\\&|LONEAPP||R|F|20240101||ADT^A08|L1|P|2.5\rPID|1||1^^^HOSP^MR\r";
        assertThat(guarded.accept(noFacility.getBytes(StandardCharsets.UTF_8))).isInstanceOf(Hl7Intake.Accepted.class);
        Hl7Intake.Result other = guarded.accept(Fixtures.ADT_A01.replace("|SENDFAC|", "|ELSEWHERE|")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(other).isInstanceOfSatisfying(Hl7Intake.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.FACILITY_NOT_ALLOWED));
    }
}
