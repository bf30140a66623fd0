package org.ehrflow.normalizer.mapping.hl7;

import java.util.List;
import org.ehrflow.schemas.FhirRecord;

/** Maps one supported HL7 message type; the context already holds the patient (and encounter) records' facts. */
@FunctionalInterface
public interface MessageMapper {

    /** Records beyond Patient and Encounter, which the caller emits first (unless {@link #upsertsPatient}). */
    List<FhirRecord> map(Hl7Context ctx);

    /** Whether the caller emits the Patient (PID) and Encounter (PV1) UPSERTs; false for deletes (A29). */
    default boolean upsertsPatient() {
        return true;
    }
}
