package org.ehrflow.ops.slot;

/**
 * The CDC replication slot's lag: WAL bytes the slot has not confirmed, how long the oldest of them has waited,
 * and how old the capture's last heartbeat write is (-1 when unknown).
 *
 * @param slot                the slot's name
 * @param exists              whether the slot exists at all
 * @param active              whether a client (the capture) is attached
 * @param lagBytes            {@code pg_current_wal_lsn() - confirmed_flush_lsn}
 * @param lagSeconds          age of the oldest unconfirmed WAL position (resolution: the measuring interval)
 * @param heartbeatAgeSeconds {@code now() - ehr.cdc_heartbeat.ts}, or -1 when the table is missing
 */
public record SlotLag(String slot, boolean exists, boolean active, long lagBytes, double lagSeconds,
        double heartbeatAgeSeconds) {
}
