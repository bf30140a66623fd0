package org.ehrflow.listener.intake;

import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ehrflow.hl7.Hl7Time;
import org.ehrflow.hl7.MshHeader;
import org.ehrflow.listener.hl7.Hl7Charsets;
import org.ehrflow.listener.hl7.Hl7Decoder;
import org.ehrflow.listener.hl7.RejectReason;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;

/**
 * Decides, without I/O, what becomes of one frame: decode (charset, terminators), check MSH, derive the patient
 * key from PID-3, and build the raw record; or reject it with a reason. Thread-safe.
 */
public final class Hl7Intake {

    /** The outcome for one frame. */
    public sealed interface Result permits Accepted, Rejected {
        /** The message's MSH, or null when unreadable (the ACK then uses defaults). */
        MshHeader header();

        /** Charset to encode the ACK with. */
        Charset charset();
    }

    /** To be stored under {@code key} in the raw topic. */
    public record Accepted(String key, RawMessage message, MshHeader header, Charset charset) implements Result {
    }

    /**
     * Permanently unacceptable.
     *
     * @param key DLQ record key: the patient or sending-system key where known, else null
     */
    public record Rejected(RejectReason reason, MshHeader header, Charset charset, String key) implements Result {
        /** MSH-10 where known, for logs and the dead letter. */
        public String controlId() {
            return header == null || header.controlId().isEmpty() ? null : header.controlId();
        }
    }

    private final Charset defaultCharset;
    private final Set<String> processingIds;
    private final PatientKeyResolver keys;
    private final ZoneId eventZone;
    private final Clock clock;
    private final Set<String> allowedFacilities;
    private final Map<String, Set<String>> clientFacilities;

    /** An intake that accepts any sending facility. */
    public Hl7Intake(Charset defaultCharset, Set<String> processingIds, PatientKeyResolver keys, ZoneId eventZone,
            Clock clock) {
        this(defaultCharset, processingIds, keys, eventZone, clock, Set.of());
    }

    /**
     * @param defaultCharset charset of messages without MSH-18
     * @param processingIds  accepted MSH-11.1 values (an empty MSH-11 is accepted: many senders omit it)
     * @param keys           patient key resolution from PID-3
     * @param eventZone      zone assumed for MSH-7 without an offset
     * @param clock          ingest time
     * @param allowedFacilities sending facilities (MSH-4.1, else MSH-3.1) accepted; empty = any
     */
    public Hl7Intake(Charset defaultCharset, Set<String> processingIds, PatientKeyResolver keys, ZoneId eventZone,
            Clock clock, Set<String> allowedFacilities) {
        this(defaultCharset, processingIds, keys, eventZone, clock, allowedFacilities, Map.of());
    }

    /**
     * As above, and with {@code clientFacilities} (TLS client certificate CN -> sending facilities it may send for;
     * empty = no such rule): a sender proves who it is with its certificate, and may only speak for its own
     * facilities. A frame without a certificate, or for another facility, is rejected FACILITY_NOT_ALLOWED.
     */
    public Hl7Intake(Charset defaultCharset, Set<String> processingIds, PatientKeyResolver keys, ZoneId eventZone,
            Clock clock, Set<String> allowedFacilities, Map<String, Set<String>> clientFacilities) {
        this.clientFacilities = Map.copyOf(clientFacilities);
        this.allowedFacilities = Set.copyOf(allowedFacilities);
        this.defaultCharset = defaultCharset;
        this.processingIds = Set.copyOf(processingIds);
        this.keys = keys;
        this.eventZone = eventZone;
        this.clock = clock;
    }

    /** Classifies one complete frame (from a connection without a client certificate). */
    public Result accept(byte[] frame) {
        return accept(frame, null);
    }

    /** Classifies one complete frame from {@code peer} (the CN of its verified client certificate, or null). */
    public Result accept(byte[] frame, String peer) {
        Hl7Decoder.Result decoded = Hl7Decoder.decode(frame, defaultCharset);
        if (decoded instanceof Hl7Decoder.Failed failed) {
            MshHeader h = MshHeader.parse(Hl7Decoder.asciiHead(frame)).orElse(null);
            return new Rejected(failed.reason(), h, failed.ackCharset(), h == null ? null : unscopedKey(h));
        }
        Hl7Decoder.Decoded d = (Hl7Decoder.Decoded) decoded;
        // The decoder already checked that MSH parses.
        MshHeader h = MshHeader.parse(d.text()).orElseThrow();
        Optional<RejectReason> invalid = validate(h, peer);
        String key = RawPatientKey.of(d.text(), h, keys).orElseGet(() -> unscopedKey(h));
        if (invalid.isPresent()) {
            return new Rejected(invalid.get(), h, d.charset(), key);
        }
        Instant eventTime = Hl7Time.eventInstant(h.dateTime(), eventZone).orElse(null);
        Provenance p = Provenance.atIngress(SourceType.HL7V2, h.sourceSystem(), h.controlId(), eventTime,
                clock.instant());
        return new Accepted(key, new RawMessage(RawMessage.ContentType.HL7V2_ER7, p, d.text()), h, d.charset());
    }

    /** A frame over the size limit: rejected, with the ACK built from whatever MSH its first bytes hold. */
    public Rejected oversized(byte[] head) {
        MshHeader h = MshHeader.parse(Hl7Decoder.asciiHead(head)).orElse(null);
        Charset cs = h == null || h.charset().isEmpty() ? defaultCharset
                : Hl7Charsets.forName(h.charset()).orElse(defaultCharset);
        return new Rejected(RejectReason.FRAME_TOO_LARGE, h, cs, h == null ? null : unscopedKey(h));
    }

    private Optional<RejectReason> validate(MshHeader h, String peer) {
        String facility = h.defaultAuthority();
        if (!allowedFacilities.isEmpty() && !allowedFacilities.contains(facility)) {
            return Optional.of(RejectReason.FACILITY_NOT_ALLOWED);
        }
        if (!clientFacilities.isEmpty()
                && (peer == null || !clientFacilities.getOrDefault(peer, Set.of()).contains(facility))) {
            return Optional.of(RejectReason.FACILITY_NOT_ALLOWED);
        }
        if (h.messageType().isEmpty()) {
            return Optional.of(RejectReason.MSH9_MISSING);
        }
        if (h.controlId().isEmpty()) {
            return Optional.of(RejectReason.MSH10_MISSING);
        }
        if (!h.processingId().isEmpty() && !processingIds.contains(h.processingId())) {
            return Optional.of(RejectReason.PROCESSING_ID_UNSUPPORTED);
        }
        return Optional.empty();
    }

    private static String unscopedKey(MshHeader h) {
        return PatientKey.unscoped(h.sourceSystem());
    }
}
