package org.ehrflow.normalizer.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Value of the pending store: raw records waiting for one link (a patient key or encounter id), in arrival order,
 * with their original bytes and Kafka position so their provenance is the same as if they had mapped at once.
 */
public record ParkedRecords(List<Parked> records) {

    /** One waiting raw record. */
    public record Parked(String rawKey, String topic, int partition, long offset, byte[] value) {
    }

    public ParkedRecords {
        records = List.copyOf(records);
    }

    public ParkedRecords plus(Parked p) {
        List<Parked> all = new ArrayList<>(records);
        all.add(p);
        return new ParkedRecords(all);
    }
}
