package org.ehrflow.normalizer.mapping.cdc;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.Links;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;

/**
 * {@code ehr.patients} -> Patient: identifier (MRN system, type MR), name, birthDate (epoch days), gender, phone.
 * Teaches "ehr-patient:&lt;id&gt;" -> patient key.
 */
final class CdcPatientMapper {

    private static final CodeTable SEX = CodeTable.load("administrative-sex");

    private final PatientKeyResolver resolver;
    private final String mrnSystem;

    CdcPatientMapper(PatientKeyResolver resolver, String mrnSystem) {
        this.resolver = resolver;
        this.mrnSystem = mrnSystem;
    }

    MappingResult map(CdcEvent e) {
        String mrn = e.text("mrn");
        Optional<String> key = mrn == null ? Optional.empty()
                : resolver.patientKey(List.of(new IdentifierCandidate(mrnSystem, null, "MR", mrn)));
        if (key.isEmpty()) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_NO_PATIENT_ID);
        }
        Map<String, String> learned = Map.of(Links.ehrPatient(e.number("id")), key.get());
        String id = Ids.patient(key.get());
        if (e.isDelete()) {
            return new MappingResult.Mapped(List.of(e.delete(key.get(), "Patient", id, null)), learned, Map.of());
        }
        Patient p = new Patient();
        p.setId(id);
        p.addIdentifier().setSystem(mrnSystem).setValue(mrn).setType(new CodeableConcept().addCoding(
                new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null)));
        String family = e.text("family_name");
        String given = e.text("given_name");
        if (family != null || given != null) {
            HumanName n = p.addName().setFamily(family).setUse(HumanName.NameUse.OFFICIAL);
            if (given != null) {
                n.addGiven(given);
            }
        }
        Long birth = e.number("birth_date");
        if (birth != null) {
            p.getBirthDateElement().setValueAsString(LocalDate.ofEpochDay(birth).toString());
        }
        String gender = SEX.get(e.text("sex"));
        if (gender != null) {
            p.setGender(AdministrativeGender.fromCode(gender));
        }
        String phone = e.text("phone");
        if (phone != null) {
            p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        }
        return new MappingResult.Mapped(List.of(e.upsert(key.get(), p, null)), learned, Map.of());
    }
}
