package org.ehrflow.normalizer.topology;

import java.util.List;

/**
 * Value of the pending store: raw records waiting for one link (a patient key or encounter id), with their original
 * bytes and Kafka position so their provenance is the same as if they had mapped at once. Written one record per
 * entry ({@code NormalizeProcessor.parkedKey}); a list of several is what stores written before that hold.
 */
public record ParkedRecords(List<Parked> records) {

    /** One waiting raw record. */
    public record Parked(String rawKey, String topic, int partition, long offset, byte[] value) {
    }

    public ParkedRecords {
        records = List.copyOf(records);
    }
}
