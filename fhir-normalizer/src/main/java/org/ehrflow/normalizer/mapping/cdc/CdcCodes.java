package org.ehrflow.normalizer.mapping.cdc;

import java.time.LocalDate;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;

/** Code systems and small value helpers shared by the clinical-table CDC mappers. */
final class CdcCodes {

    static final String LOINC = "http://loinc.org";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String SNOMED = "http://snomed.info/sct";
    static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    static final String ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    static final String CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    static final String CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";

    private CdcCodes() {
    }

    /** A concept with one coding when {@code code} is present, and {@code text}; null if both are absent. */
    static CodeableConcept concept(String system, String code, String text) {
        if (code == null && text == null) {
            return null;
        }
        CodeableConcept c = new CodeableConcept();
        if (code != null) {
            c.addCoding(new Coding(system, code, text));
        }
        return c.setText(text);
    }

    /** A Debezium ZonedTimestamp column as a FHIR dateTime, or null. */
    static DateTimeType dateTime(CdcEvent e, String column) {
        String iso = CdcEncounterMapper.instant(e.text(column));
        return iso == null ? null : new DateTimeType(iso);
    }

    /** A Debezium date column (days since epoch) as a day-precision FHIR dateTime, or null. */
    static DateTimeType date(CdcEvent e, String column) {
        Long days = e.number(column);
        return days == null ? null : new DateTimeType(LocalDate.ofEpochDay(days).toString());
    }
}
