package org.ehrflow.normalizer.mapping.hl7;

import java.util.List;
import org.ehrflow.schemas.FhirRecord;

/** Maps one supported HL7 message type; the context already holds the patient (and encounter) records' facts. */
@FunctionalInterface
public interface MessageMapper {

    /** Records beyond Patient and Encounter, which the caller emits first. */
    List<FhirRecord> map(Hl7Context ctx);
}
