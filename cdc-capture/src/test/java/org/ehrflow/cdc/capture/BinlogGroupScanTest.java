package org.ehrflow.cdc.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.ehrflow.cdc.capture.BinlogGroupScan.Event;
import org.junit.jupiter.api.Test;

/** Event lists as MariaDB 10.11's SHOW BINLOG EVENTS printed them (positions from a real binlog). */
class BinlogGroupScanTest {

    private static final List<Event> LOG = List.of(
            new Event(4, "Format_desc", "Server ver: 10.11.19-MariaDB-0+deb12u1-log, Binlog ver: 4"),
            new Event(256, "Gtid_list", "[]"),
            new Event(285, "Binlog_checkpoint", "binlog.000001"),
            new Event(325, "Gtid", "GTID 0-1-1"), // DDL: a standalone group
            new Event(367, "Query", "create table t.a(id int primary key, v varchar(200))"),
            new Event(614, "Gtid", "BEGIN GTID 0-1-3"), // a two-statement transaction with a savepoint
            new Event(656, "Annotate_rows", "insert into t.a values (1,'x'),(2,'y')"),
            new Event(717, "Table_map", "table_id: 18 (t.a)"),
            new Event(761, "Write_rows_v1", "table_id: 18"), // rows event continued ...
            new Event(808, "Write_rows_v1", "table_id: 18 flags: STMT_END_F"), // ... and ended
            new Event(850, "Query", "SAVEPOINT `s1`"),
            new Event(927, "Table_map", "table_id: 18 (t.a)"),
            new Event(971, "Write_rows_v1", "table_id: 18 flags: STMT_END_F"),
            new Event(1011, "Xid", "COMMIT /* xid=7 */"),
            new Event(1042, "Gtid", "BEGIN GTID 0-1-4"), // MyISAM: ends with a COMMIT query
            new Event(1084, "Table_map", "table_id: 22 (t.m)"),
            new Event(1125, "Write_rows_v1", "table_id: 22 flags: STMT_END_F"),
            new Event(1168, "Query", "COMMIT"),
            new Event(1237, "Gtid", "XA START X'7831',X'',1 GTID 0-1-5"),
            new Event(1283, "Table_map", "table_id: 25 (t.a)"),
            new Event(1328, "Write_rows_v1", "table_id: 25 flags: STMT_END_F"),
            new Event(1372, "Query", "XA END X'7831',X'',1"),
            new Event(1456, "XA_prepare", "XA PREPARE X'7831',X'',1"),
            new Event(1494, "Gtid", "GTID 0-1-6"),
            new Event(1538, "Query", "XA COMMIT X'7831',X'',1"));

    private static OptionalLong resume(long target, long from) {
        BinlogGroupScan scan = new BinlogGroupScan(target, from == BinlogResume.FIRST_EVENT);
        for (Event e : LOG) {
            if (e.pos() >= from && !scan.accept(e)) {
                break;
            }
        }
        return scan.resumeAt();
    }

    @Test
    void aPositionInsideATransactionResumesAtItsGtidEvent() {
        assertThat(resume(761, 4)).hasValue(614); // after the table map
        assertThat(resume(808, 4)).hasValue(614); // between two rows events of one statement
        assertThat(resume(927, 4)).hasValue(614); // after the savepoint: still inside
        assertThat(resume(1011, 4)).hasValue(614); // every row read, the Xid not yet
        assertThat(resume(1168, 4)).hasValue(1042); // non-transactional table, before its COMMIT
        assertThat(resume(1456, 4)).hasValue(1237); // XA transaction before its prepare
    }

    @Test
    void aPositionBetweenGroupsIsKept() {
        assertThat(resume(285, 4)).hasValue(285);
        assertThat(resume(367, 4)).hasValue(367); // after a standalone Gtid: the DDL is read whole anyway
        assertThat(resume(614, 4)).hasValue(614);
        assertThat(resume(1042, 4)).hasValue(1042); // after the Xid
        assertThat(resume(1237, 4)).hasValue(1237); // after a COMMIT query
        assertThat(resume(1494, 4)).hasValue(1494); // after XA PREPARE
        assertThat(resume(1600, 4)).hasValue(1600); // the end of the file
    }

    @Test
    void aScanFromTheMiddleKnowsNothingUntilAGroupBoundaryPasses() {
        assertThat(resume(971, 717)).isEmpty(); // the hint lies inside the same transaction
        assertThat(resume(1125, 717)).hasValue(1042); // the Xid and a new Gtid passed
        assertThat(resume(1042, 717)).hasValue(1042); // the Xid passed
        assertThat(resume(808, 614)).hasValue(614); // the hint is the transaction's own Gtid event
    }
}
