package org.ehrflow.ops.lag;

/**
 * Lag of one stage on one input partition: in offsets (end offset minus committed position) and in seconds
 * (age of the oldest record the stage has not yet processed, read from that record's timestamp; 0 when caught up).
 */
public record PartitionLag(String stage, String topic, int partition, long endOffset, long committedOffset,
        long lagOffsets, double lagSeconds) {
}
