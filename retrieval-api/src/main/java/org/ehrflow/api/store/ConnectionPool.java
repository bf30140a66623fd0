package org.ehrflow.api.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A fixed-size pool of connections of one login. Small on purpose: the API's transactions are one or two
 * statements, so the pool only has to bound concurrency and keep connections warm. A connection that failed is
 * dropped (not returned) and replaced on the next borrow. Every borrowed connection is in a transaction
 * (auto-commit off) and is rolled back before it returns, so no {@code SET LOCAL} patient scope outlives a request.
 */
public final class ConnectionPool implements AutoCloseable {

    private final ConnectionFactory factory;
    private final BlockingQueue<Connection> idle;
    private final Semaphore permits;
    private final long borrowTimeoutMs;
    private volatile boolean closed;

    public ConnectionPool(ConnectionFactory factory, int size, long borrowTimeoutMs) {
        this.factory = factory;
        this.idle = new ArrayBlockingQueue<>(size);
        this.permits = new Semaphore(size, true);
        this.borrowTimeoutMs = borrowTimeoutMs;
    }

    /** A transaction on a pooled connection; the body's result is returned after a rollback. */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try {
            if (!permits.tryAcquire(borrowTimeoutMs, TimeUnit.MILLISECONDS)) {
                throw new SQLException("no connection within " + borrowTimeoutMs + " ms", "53300");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted waiting for a connection", "57014");
        }
        Connection c = null;
        boolean healthy = false;
        try {
            c = idle.poll();
            if (c == null) {
                c = factory.open();
                c.setAutoCommit(false);
            }
            T result = work.run(c);
            // read-only work: nothing to keep, and the rollback ends the SET LOCAL scope
            c.rollback();
            healthy = true;
            return result;
        } finally {
            if (c != null) {
                if (healthy && !closed) {
                    idle.offer(c);
                } else {
                    closeQuietly(c);
                }
            }
            permits.release();
        }
    }

    /** Work on a connection inside the pool's transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }
}
