package org.ehrflow.normalizer.mapping;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ehrflow.schemas.FhirRecord;

/**
 * What a mapper made of one raw message: FHIR records, a rejection with a reason code, or a wait for a link
 * (patient key, encounter id) that an earlier or later message of the same patient teaches.
 */
public sealed interface MappingResult {

    /**
     * The message mapped.
     *
     * @param records the FHIR records, in emission order (Patient first); provenance without raw position
     * @param learned links this message teaches (e.g. "ehr-patient:7" -> patient key) for later messages
     * @param skipped resource types deliberately not mapped (administrative FHIR resources), with counts
     * @param unmapped content the mapper read but has no mapping for, by HL7 segment name, with counts: never
     *                 dropped silently, counted in {@code ehrflow.normalizer.segments.unmapped{segment}}
     */
    record Mapped(List<FhirRecord> records, Map<String, String> learned, Map<String, Integer> skipped,
            Map<String, Integer> unmapped) implements MappingResult {
        public Mapped {
            records = List.copyOf(records);
            learned = Map.copyOf(learned);
            skipped = Map.copyOf(skipped);
            unmapped = Map.copyOf(unmapped);
        }

        /** A result without unmapped segments (FHIR, CDC). */
        public Mapped(List<FhirRecord> records, Map<String, String> learned, Map<String, Integer> skipped) {
            this(records, learned, skipped, Map.of());
        }

        public static Mapped of(List<FhirRecord> records) {
            return new Mapped(records, Map.of(), Map.of(), Map.of());
        }
    }

    /**
     * The message cannot be mapped; it goes to the DLQ.
     *
     * @param reasonCode a code of {@link org.ehrflow.normalizer.error.ReasonCodes}
     * @param errorClass simple class name of the exception behind it, if any (never its message)
     */
    record Rejected(String reasonCode, String errorClass) implements MappingResult {
        public Rejected {
            Objects.requireNonNull(reasonCode, "reasonCode");
        }

        public static Rejected of(String reasonCode) {
            return new Rejected(reasonCode, null);
        }

        public static Rejected of(String reasonCode, Throwable cause) {
            return new Rejected(reasonCode, cause.getClass().getSimpleName());
        }
    }

    /**
     * The message needs a link that is not known yet; the topology parks it until a message teaches the link.
     *
     * @param linkKey e.g. "ehr-patient:7" or "fhir-patient:abc"
     */
    record AwaitingLink(String linkKey) implements MappingResult {
        public AwaitingLink {
            Objects.requireNonNull(linkKey, "linkKey");
        }
    }
}
