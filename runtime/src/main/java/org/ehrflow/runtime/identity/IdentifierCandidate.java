package org.ehrflow.runtime.identity;

/**
 * One patient identifier as a source presents it: FHIR gives a system; HL7 PID-3 gives an assigning authority
 * (CX-4) and an identifier type (CX-5); a CDC row gives a column the capture config names.
 *
 * @param system    FHIR identifier system, if the source has one
 * @param authority HL7 assigning authority namespace id (CX-4.1) or universal id (CX-4.2), if any
 * @param type      identifier type code (HL7 table 0203, e.g. MR, SS, AN), if any
 * @param value     the identifier value
 */
public record IdentifierCandidate(String system, String authority, String type, String value) {

    @Override
    public String toString() {
        return "IdentifierCandidate[" + system + ", " + authority + ", " + type + ", <value hidden>]";
    }
}
