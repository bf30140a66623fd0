package org.ehrflow.sink.store;

/** One source's rows: the unit a chunk set replaces. */
public record SourceRef(String patientKey, String sourceId) {
}
