package org.ehrflow.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MshHeaderTest {

    /** ADT^A01 v2.5.1: MSH-3 SENDAPP, MSH-4 SENDFAC, MSH-7 with offset, PID-3 an MR of HOSP then an SS. */
    static final String ADT_A01 = "MSH|^~\\&|SENDAPP|SENDFAC|RECVAPP|RECVFAC|20240102030405+0100||"
            + "ADT^A01^ADT_A01|MSG0001|P|2.5.1\r"
            + "EVN|A01|20240102030405\r"
            + "PID|1||12345^^^HOSP^MR~999999999^^^SSA^SS||Sentinel^Test\r";

    private static List<PidIdentifiers.Cx> pid(String msg, MshHeader h) {
        Segment pid = Er7Parser.find(Er7.normalise(msg), h.delimiters(), "PID");
        return pid == null ? List.of() : PidIdentifiers.primary(pid, h.defaultAuthority());
    }

    @Test
    void readsTheFieldsTheListenerNeeds() {
        MshHeader h = MshHeader.parse(ADT_A01).orElseThrow();
        assertThat(h.fieldSeparator()).isEqualTo('|');               // MSH-1
        assertThat(h.encodingChars()).isEqualTo("^~\\&");             // MSH-2
        assertThat(h.sendingApp()).isEqualTo("SENDAPP");              // MSH-3
        assertThat(h.sendingFacility()).isEqualTo("SENDFAC");         // MSH-4
        assertThat(h.receivingApp()).isEqualTo("RECVAPP");            // MSH-5
        assertThat(h.receivingFacility()).isEqualTo("RECVFAC");       // MSH-6
        assertThat(h.dateTime()).isEqualTo("20240102030405+0100");    // MSH-7
        assertThat(h.messageType()).isEqualTo("ADT");                 // MSH-9.1
        assertThat(h.triggerEvent()).isEqualTo("A01");                // MSH-9.2
        assertThat(h.controlId()).isEqualTo("MSG0001");               // MSH-10
        assertThat(h.processingId()).isEqualTo("P");                  // MSH-11
        assertThat(h.version()).isEqualTo("2.5.1");                   // MSH-12
        assertThat(h.charset()).isEmpty();                            // MSH-18
        assertThat(h.sourceSystem()).isEqualTo("SENDAPP^SENDFAC");
    }

    @Test
    void compositeHdFieldsGiveNamespaceOrUniversalIdForTheSourceSystem() {
        // MSH-3 = namespace^universal id^type; MSH-4 has only a universal id.
        String msg = "MSH|^~\\&|LAB^1.2.3^ISO|^2.16.840.1^ISO|R|F|20240101||ORU^R01|X1|T^T|2.5||||||8859/1~UNICODE UTF-8\r";
        MshHeader h = MshHeader.parse(msg).orElseThrow();
        assertThat(h.sourceSystem()).isEqualTo("LAB^2.16.840.1");
        assertThat(h.processingId()).isEqualTo("T");                  // MSH-11.1 of "T^T"
        assertThat(h.charset()).isEqualTo("8859/1");                  // first repetition of MSH-18
    }

    @Test
    void unusualSeparatorsAreHonoured() {
        // MSH-1 '#', MSH-2 '$%\&' (component $, repetition %).
        String msg = "MSH#$%\\&#APP#FAC#R#F#20240101##ADT$A04#C9#P#2.4\rPID#1##77$$$HOSP$MR%88$$$X$SS\r";
        MshHeader h = MshHeader.parse(msg).orElseThrow();
        assertThat(h.messageType()).isEqualTo("ADT");
        assertThat(h.triggerEvent()).isEqualTo("A04");
        List<PidIdentifiers.Cx> ids = pid(msg, h);
        assertThat(ids).extracting(PidIdentifiers.Cx::value).containsExactly("77", "88");
        assertThat(ids).extracting(PidIdentifiers.Cx::authority).containsExactly("HOSP", "X");
        assertThat(ids).extracting(PidIdentifiers.Cx::type).containsExactly("MR", "SS");
    }

    @Test
    void pid3RepetitionsGiveValueAuthorityAndType() {
        MshHeader h = MshHeader.parse(ADT_A01).orElseThrow();
        List<PidIdentifiers.Cx> ids = pid(ADT_A01, h);
        assertThat(ids).hasSize(2);
        assertThat(ids.get(0)).isEqualTo(new PidIdentifiers.Cx("12345", "HOSP", "MR"));   // PID-3 rep 1
        assertThat(ids.get(1)).isEqualTo(new PidIdentifiers.Cx("999999999", "SSA", "SS")); // PID-3 rep 2
    }

    @Test
    void pid3AuthorityFallsBackToUniversalIdAndValueEscapesAreResolved() {
        // CX-4 = &1.2.840.99&ISO (no namespace); CX-1 contains an escaped component separator.
        String msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|L1|P|2.5\rPID|1||AB\\S\\12^^^&1.2.840.99&ISO^MR\r";
        MshHeader h = MshHeader.parse(msg).orElseThrow();
        PidIdentifiers.Cx id = pid(msg, h).get(0);
        assertThat(id.value()).isEqualTo("AB^12");
        assertThat(id.authority()).isEqualTo("1.2.840.99");
    }

    @Test
    void noPidMeansNoCandidates() {
        String msg = "MSH|^~\\&|A|B|C|D|20240101||MFN^M02|L1|P|2.3.1\rMFI|PRA\r";
        assertThat(pid(msg, MshHeader.parse(msg).orElseThrow())).isEmpty();
    }

    @Test
    void timestampsOfDayPrecisionOrBetterBecomeInstants() {
        ZoneId utc = ZoneOffset.UTC;
        assertThat(Hl7Time.eventInstant("20240102030405+0100", utc)).contains(Instant.parse("2024-01-02T02:04:05Z"));
        assertThat(Hl7Time.eventInstant("20240102030405.12", utc)).contains(Instant.parse("2024-01-02T03:04:05.120Z"));
        assertThat(Hl7Time.eventInstant("202401020304", utc)).contains(Instant.parse("2024-01-02T03:04:00Z"));
        assertThat(Hl7Time.eventInstant("20240102", ZoneId.of("Europe/Berlin")))
                .contains(Instant.parse("2024-01-01T23:00:00Z"));
        assertThat(Hl7Time.eventInstant("2024", utc)).isEmpty();
        assertThat(Hl7Time.eventInstant("20241302", utc)).isEmpty();
        assertThat(Hl7Time.eventInstant("", utc)).isEmpty();
    }
}
