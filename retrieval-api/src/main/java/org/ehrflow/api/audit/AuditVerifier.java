package org.ehrflow.api.audit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Walks the audit chain in sequence order and recomputes every hash: an edited record fails its own hash, a
 * deleted one leaves a gap in the sequence and a broken link, a deleted newest record disagrees with the chain
 * head. Reads only (the auditor role suffices); streams the table, so memory stays flat.
 */
public final class AuditVerifier {

    /** One finding: the sequence number and what is wrong there. */
    public record Problem(long seq, String kind) {
    }

    /** What a verification saw. {@code ok()} when there is no problem. */
    public record Result(long records, long firstSeq, long lastSeq, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private static final int MAX_PROBLEMS = 100;

    private final AuditChain chain;

    public AuditVerifier(AuditChain chain) {
        this.chain = chain;
    }

    public Result verify(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // a cursor (fetch size) needs a transaction; also one snapshot for log and head
        try (PreparedStatement snap = c.prepareStatement("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")) {
            snap.execute();
            Result r = walk(c);
            c.rollback();
            return r;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private Result walk(Connection c) throws SQLException {
        long expectedSeq = 1;
        String prev = AuditChain.GENESIS;
        try (PreparedStatement a = c.prepareStatement(
                "SELECT seq, hash FROM ehrflow_audit.audit_anchor ORDER BY seq DESC LIMIT 1");
                ResultSet rs = a.executeQuery()) {
            if (rs.next()) {
                expectedSeq = rs.getLong(1) + 1;
                prev = rs.getString(2);
            }
        }
        long firstSeq = expectedSeq;
        List<Problem> problems = new ArrayList<>();
        long count = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, recorded_at, request_id, endpoint, client_id, "
                + "user_id, scopes, purpose_of_use, patient_key, text_level, query_hash, query_text, k, chunk_ids, "
                + "resource_refs, hit_count, status, outcome, reason, latency_ms, prev_hash, hash, request_count "
                + "FROM ehrflow_audit.audit_record WHERE seq >= ? ORDER BY seq")) {
            ps.setLong(1, firstSeq);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    count++;
                    long seq = rs.getLong(1);
                    if (seq != expectedSeq) {
                        add(problems, new Problem(expectedSeq, seq > expectedSeq ? "MISSING" : "DUPLICATE"));
                    }
                    String storedPrev = rs.getString(21);
                    if (!prev.equals(storedPrev)) {
                        add(problems, new Problem(seq, "CHAIN_BROKEN"));
                    }
                    String hash = chain.hash(seq, storedPrev, read(rs));
                    if (!hash.equals(rs.getString(22))) {
                        add(problems, new Problem(seq, "EDITED"));
                    }
                    prev = rs.getString(22);
                    expectedSeq = seq + 1;
                }
            }
        }
        long lastSeq = expectedSeq - 1;
        try (PreparedStatement h = c.prepareStatement("SELECT seq, hash FROM ehrflow_audit.audit_head");
                ResultSet rs = h.executeQuery()) {
            if (!rs.next() || rs.getLong(1) != lastSeq || !rs.getString(2).equals(prev)) {
                add(problems, new Problem(lastSeq + 1, "HEAD_MISMATCH"));
            }
        }
        return new Result(count, firstSeq, lastSeq, List.copyOf(problems));
    }

    private static AuditRecord read(ResultSet rs) throws SQLException {
        Integer k = rs.getObject(13) == null ? null : rs.getInt(13);
        return new AuditRecord(rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getObject(3, UUID.class),
                rs.getString(4), rs.getString(5), rs.getString(6), strings(rs.getArray(7)), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), k, strings(rs.getArray(14)),
                strings(rs.getArray(15)), rs.getInt(16), rs.getInt(17), rs.getString(18), rs.getString(19),
                rs.getInt(20), rs.getInt(23));
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    private static void add(List<Problem> problems, Problem p) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(p);
        }
    }
}
