package org.ehrflow.sink.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlErrorClassTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "08006, TRANSIENT",  // connection failure
            "08001, TRANSIENT",  // cannot connect
            "40001, TRANSIENT",  // serialization failure
            "40P01, TRANSIENT",  // deadlock
            "53300, TRANSIENT",  // too many connections
            "57P01, TRANSIENT",  // admin shutdown
            "57P03, TRANSIENT",  // cannot connect now (starting up)
            "28P01, FATAL",      // wrong password
            "28000, FATAL",      // no pg_hba entry
            "58P01, FATAL",      // extension file missing
            "42704, FATAL",      // type vector does not exist
            "42501, FATAL",      // insufficient privilege
            "3D000, FATAL",      // database does not exist
            "22001, RECORD",     // value too long
            "23505, RECORD",     // unique violation
            "22P02, RECORD"})    // invalid text representation
    void classifiesBySqlState(String state, SqlErrorClass expected) {
        assertThat(SqlErrorClass.of(new SQLException("x", state))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"28P01, EHRFLOW_SINK_PASSWORD", "58P01, pgvector", "42704, pgvector", "3D000, EHRFLOW_SINK_JDBC_URL"})
    void fatalMessagesNameTheSetting(String state, String setting) {
        assertThat(SinkFatalException.ofSql("the connection", new SQLException("secret detail", state)).getMessage())
                .contains(setting).contains(state).doesNotContain("secret detail");
    }

    @org.junit.jupiter.api.Test
    void anErrorWithoutSqlStateIsALostConnection() {
        assertThat(SqlErrorClass.of(new SQLException("io"))).isEqualTo(SqlErrorClass.TRANSIENT);
    }
}
