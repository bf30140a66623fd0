-- Debezium's signal table (signal.data.collection = ehr.debezium_signal): an operator inserts
--   INSERT INTO ehr.debezium_signal (id, type, data) VALUES ('snap-1', 'execute-snapshot',
--     '{"data-collections": ["ehr.lab_results"], "type": "incremental"}');
-- and the running connector re-reads those tables in chunks, interleaved with streaming. The connector itself
-- writes its snapshot window watermarks here, so the capture role may INSERT (and nothing more on other tables).
-- The table is published: the connector reads signals (and its own watermarks) from the replication stream.

CREATE TABLE ehr.debezium_signal (
    id   varchar(42) PRIMARY KEY,
    type varchar(32) NOT NULL,
    data varchar(2048)
);

GRANT SELECT, INSERT ON ehr.debezium_signal TO ehrflow_cdc;
ALTER PUBLICATION ehrflow_pub ADD TABLE ehr.debezium_signal;
