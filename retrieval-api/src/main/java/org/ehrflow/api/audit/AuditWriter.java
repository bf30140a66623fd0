package org.ehrflow.api.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ehrflow.api.store.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends audit records with group commit: requests queue their record and wait; one thread writes everything
 * queued in one transaction that holds the chain head ({@code FOR UPDATE}, so several API instances still form one
 * chain), numbers and chains the records, moves the head and commits. A request is answered only after its
 * record committed ("no audit, no data"), yet 64 concurrent requests cost one commit, not 64 serialized ones.
 */
public final class AuditWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final int MAX_BATCH = 256;
    private static final String INSERT = """
            INSERT INTO ehrflow_audit.audit_record (seq, recorded_at, request_id, endpoint, client_id, user_id,
                scopes, purpose_of_use, patient_key, text_level, query_hash, query_text, k, chunk_ids,
                resource_refs, hit_count, status, outcome, reason, latency_ms, prev_hash, hash, request_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private record Pending(AuditRecord record, CompletableFuture<Void> done) {
    }

    private final ConnectionFactory connections;
    private final AuditChain chain;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(10_000);
    private final Thread thread;
    private volatile boolean running = true;
    private Connection conn;

    public AuditWriter(ConnectionFactory connections, AuditChain chain) {
        this.connections = connections;
        this.chain = chain;
        this.thread = new Thread(this::run, "audit-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues {@code r}; the future completes when its record is committed, exceptionally when it could not be. */
    public CompletableFuture<Void> append(AuditRecord r) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(r, f))) {
            f.completeExceptionally(new IllegalStateException("audit queue full or closed"));
        }
        return f;
    }

    public AuditChain chain() {
        return chain;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            batch.clear();
        }
        queue.forEach(p -> p.done().completeExceptionally(new IllegalStateException("audit writer stopped")));
    }

    private void write(List<Pending> batch) {
        try {
            Connection c = connection();
            long seq;
            String prev;
            try (PreparedStatement head = c.prepareStatement(
                    "SELECT seq, hash FROM ehrflow_audit.audit_head FOR UPDATE");
                    ResultSet rs = head.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
                prev = rs.getString(2);
            }
            try (PreparedStatement ins = c.prepareStatement(INSERT)) {
                for (Pending p : batch) {
                    seq++;
                    String hash = chain.hash(seq, prev, p.record());
                    bind(c, ins, seq, p.record(), prev, hash);
                    ins.addBatch();
                    prev = hash;
                }
                ins.executeBatch();
            }
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE ehrflow_audit.audit_head SET seq = ?, hash = ?")) {
                up.setLong(1, seq);
                up.setString(2, prev);
                up.executeUpdate();
            }
            c.commit();
            batch.forEach(p -> p.done().complete(null));
        } catch (SQLException | RuntimeException e) {
            LOG.error("audit append failed (SQLSTATE {}, {}); {} request(s) refused", e instanceof SQLException s
                    ? s.getSQLState() : "-", e.getClass().getSimpleName(), batch.size());
            closeQuietly();
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    private static void bind(Connection c, PreparedStatement ps, long seq, AuditRecord r, String prev, String hash)
            throws SQLException {
        ps.setLong(1, seq);
        ps.setObject(2, r.recordedAt().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
        ps.setObject(3, r.requestId());
        ps.setString(4, r.endpoint());
        ps.setString(5, r.clientId());
        ps.setString(6, r.userId());
        ps.setArray(7, c.createArrayOf("text", r.scopes().toArray()));
        ps.setString(8, r.purposeOfUse());
        ps.setString(9, r.patientKey());
        ps.setString(10, r.textLevel());
        ps.setString(11, r.queryHash());
        ps.setString(12, r.queryText());
        ps.setObject(13, r.k(), Types.INTEGER);
        ps.setArray(14, c.createArrayOf("text", r.chunkIds().toArray()));
        ps.setArray(15, c.createArrayOf("text", r.resourceRefs().toArray()));
        ps.setInt(16, r.hitCount());
        ps.setInt(17, r.status());
        ps.setString(18, r.outcome());
        ps.setString(19, r.reason());
        ps.setInt(20, r.latencyMs());
        ps.setString(21, prev);
        ps.setString(22, hash);
        ps.setInt(23, r.requestCount());
    }

    private Connection connection() throws SQLException {
        if (conn == null) {
            conn = connections.open();
            conn.setAutoCommit(false);
        }
        return conn;
    }

    private void closeQuietly() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // a broken connection: the next batch opens a new one
            }
            conn = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
        closeQuietly();
    }
}
