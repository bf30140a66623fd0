package org.ehrflow.normalizer.mapping.cdc;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.hl7.EncounterSegmentMapper;
import org.hl7.fhir.r4.model.Base;

/**
 * The named Java functions a mapping file may call, for values that need more than a column: each is small and
 * shared with the HL7 mappers, so one visit seen through HL7 and CDC gives the same Encounter.
 */
final class CdcFunctions {

    /** Functions giving an id ({@code id: {function: ...}}). */
    static final Set<String> IDS = Set.of("visitEncounterId");
    /** Functions giving an element value ({@code function: ...} in elements). */
    static final Set<String> VALUES = Set.of("hl7PatientClass");

    private final Map<String, String> settings;

    CdcFunctions(Map<String, String> settings) {
        this.settings = settings;
    }

    /** {@code visitEncounterId(visit_number)}: the id HL7 PV1-19 gives the visit ({@link Ids#encounter}), or null. */
    String id(String function, List<String> args) {
        if ("visitEncounterId".equals(function)) {
            String visit = args.isEmpty() ? null : args.get(0);
            return visit == null ? null : Ids.encounter(settings.get("visitSystem"), visit);
        }
        throw new IllegalArgumentException("unknown id function " + function);
    }

    /** {@code hl7PatientClass(class)}: v3 ActCode as HL7 PV1-2 maps it (null flavor UNK when unknown). */
    Base value(String function, List<String> args) {
        if ("hl7PatientClass".equals(function)) {
            return EncounterSegmentMapper.patientClass(args.isEmpty() ? null : args.get(0));
        }
        throw new IllegalArgumentException("unknown value function " + function);
    }
}
