package org.ehrflow.sink.consume;

/**
 * Test seams of the write path, given to the {@link BatchProcessor} at construction ({@link #NONE} in production):
 * fault injection at the two points where another writer or a crash matters.
 */
public interface WriteHooks {

    WriteHooks NONE = new WriteHooks() {
    };

    /**
     * After the stored-vector lookup of every attempt, before the write transaction (another writer's row
     * appearing here is the rebalance race the plain INSERT path must survive).
     */
    default void afterLookup() {
    }

    /** After every write of a transaction and before its commit (a throw here is a crash between the two). */
    default void beforeCommit() {
    }
}
