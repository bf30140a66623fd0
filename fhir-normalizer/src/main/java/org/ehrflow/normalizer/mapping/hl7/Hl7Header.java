package org.ehrflow.normalizer.mapping.hl7;

import java.time.Instant;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Hl7Time;
import org.ehrflow.hl7.PidIdentifiers;
import org.ehrflow.hl7.Segment;

/**
 * The MSH facts every resource of a message shares.
 *
 * @param type             MSH-9.1, e.g. "ORU"
 * @param event            MSH-9.2, e.g. "R01"
 * @param controlId        MSH-10 (versionId and source message id of every record of the message)
 * @param sendingSystem    "MSH-3.1^MSH-4.1"
 * @param defaultAuthority authority for identifiers without CX-4: MSH-4.1, else MSH-3.1
 * @param messageTime      MSH-7 as sent
 * @param eventTime        MSH-7 as an instant, if readable
 */
public record Hl7Header(String type, String event, String controlId, String sendingSystem, String defaultAuthority,
        String messageTime, Instant eventTime) {

    /** This header with the message type and event read from the raw text. */
    public Hl7Header withEvent(String rawType, String rawEvent) {
        return new Hl7Header(rawType, rawEvent, controlId, sendingSystem, defaultAuthority, messageTime, eventTime);
    }

    /** Reads the header from the parsed MSH segment; {@code fallbackId} stands in for a missing MSH-10. */
    public static Hl7Header read(Segment msh, Hl7Time time, String fallbackSystem, String fallbackId) {
        String app = Hl7Fields.get(msh, 3);
        String facility = Hl7Fields.get(msh, 4);
        String system = app == null && facility == null ? fallbackSystem
                : (app == null ? "" : app) + "^" + (facility == null ? "" : facility);
        String control = Hl7Fields.get(msh, 10);
        String msgTime = Hl7Fields.get(msh, 7);
        return new Hl7Header(Hl7Fields.get(msh, 9, 1), Hl7Fields.get(msh, 9, 2),
                control != null ? control : fallbackId, system, PidIdentifiers.defaultAuthority(msh), msgTime,
                        time.toInstant(msgTime));
    }
}
