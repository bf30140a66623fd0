package org.ehrflow.listener.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.ehrflow.listener.Fixtures;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.junit.jupiter.api.Test;

class MshHeaderTest {

    @Test
    void readsTheFieldsTheListenerNeeds() {
        MshHeader h = MshHeader.parse(Fixtures.ADT_A01).orElseThrow();
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
        List<IdentifierCandidate> ids = PidIdentifiers.candidates(msg, h);
        assertThat(ids).extracting(IdentifierCandidate::value).containsExactly("77", "88");
        assertThat(ids).extracting(IdentifierCandidate::authority).containsExactly("HOSP", "X");
        assertThat(ids).extracting(IdentifierCandidate::type).containsExactly("MR", "SS");
    }

    @Test
    void pid3RepetitionsGiveValueAuthorityAndType() {
        MshHeader h = MshHeader.parse(Fixtures.ADT_A01).orElseThrow();
        List<IdentifierCandidate> ids = PidIdentifiers.candidates(Fixtures.ADT_A01, h);
        assertThat(ids).hasSize(2);
        assertThat(ids.get(0)).isEqualTo(new IdentifierCandidate(null, "HOSP", "MR", "12345"));   // PID-3 rep 1
        assertThat(ids.get(1)).isEqualTo(new IdentifierCandidate(null, "SSA", "SS", "999999999")); // PID-3 rep 2
    }

    @Test
    void pid3AuthorityFallsBackToUniversalIdAndValueEscapesAreResolved() {
        // CX-4 = &1.2.840.99&ISO (no namespace); CX-1 contains an escaped component separator.
        String msg = "MSH|^~\\&|A|B|C|D|20240101||ADT^A08|L1|P|2.5\rPID|1||AB\\S\\12^^^&1.2.840.99&ISO^MR\r";
        MshHeader h = MshHeader.parse(msg).orElseThrow();
        IdentifierCandidate id = PidIdentifiers.candidates(msg, h).get(0);
        assertThat(id.value()).isEqualTo("AB^12");
        assertThat(id.authority()).isEqualTo("1.2.840.99");
    }

    @Test
    void noPidMeansNoCandidates() {
        String msg = "MSH|^~\\&|A|B|C|D|20240101||MFN^M02|L1|P|2.3.1\rMFI|PRA\r";
        assertThat(PidIdentifiers.candidates(msg, MshHeader.parse(msg).orElseThrow())).isEmpty();
    }

    @Test
    void timestampsOfDayPrecisionOrBetterBecomeInstants() {
        ZoneId utc = ZoneOffset.UTC;
        assertThat(Hl7Timestamps.parse("20240102030405+0100", utc)).contains(Instant.parse("2024-01-02T02:04:05Z"));
        assertThat(Hl7Timestamps.parse("20240102030405.12", utc)).contains(Instant.parse("2024-01-02T03:04:05.120Z"));
        assertThat(Hl7Timestamps.parse("202401020304", utc)).contains(Instant.parse("2024-01-02T03:04:00Z"));
        assertThat(Hl7Timestamps.parse("20240102", ZoneId.of("Europe/Berlin")))
                .contains(Instant.parse("2024-01-01T23:00:00Z"));
        assertThat(Hl7Timestamps.parse("2024", utc)).isEmpty();
        assertThat(Hl7Timestamps.parse("20241302", utc)).isEmpty();
        assertThat(Hl7Timestamps.parse("", utc)).isEmpty();
    }

    @Test
    void charsetNamesMapToJavaCharsets() {
        assertThat(Hl7Charsets.forName("8859/1")).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("ISO-8859-1"));
        assertThat(Hl7Charsets.forName("8859/15")).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("ISO-8859-15"));
        assertThat(Hl7Charsets.forName("ASCII")).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("US-ASCII"));
        assertThat(Hl7Charsets.forName("UNICODE UTF-8")).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("UTF-8"));
        assertThat(Hl7Charsets.forName("UNICODE UTF-16")).isEmpty();
        assertThat(Hl7Charsets.forName("ISO IR87")).isEmpty();
    }
}
