package org.ehrflow.schemas;

/** Which ingress a fact came through; rides along to the vector row for citation and metrics. */
public enum SourceType {
    HL7V2,
    FHIR,
    CDC
}
