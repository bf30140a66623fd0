# The mariadb image's entrypoint sources this (not executable) once, on an empty data directory, after
# 10-ehr-schema.sql (ehr-sim's db/ehr-mariadb: the demo EHR's tables in database ehr). It creates the capture
# user cdc-capture logs in as (CDC_PASSWORD: compose passes EHRFLOW_CDC_PASSWORD): what Debezium's binlog
# reader needs and no more.
# SQL_LOG_BIN=0: the statement with the password is not written to the binary log the capture reads.
: "${CDC_PASSWORD:?set EHRFLOW_CDC_PASSWORD}"
cdc_pw=${CDC_PASSWORD//\\/\\\\}
cdc_pw=${cdc_pw//\'/\'\'}
docker_process_sql --database=mysql <<EOSQL
SET SESSION SQL_LOG_BIN = 0;
CREATE USER IF NOT EXISTS 'ehrflow_cdc'@'%' IDENTIFIED BY '${cdc_pw}';
GRANT REPLICATION SLAVE, REPLICATION CLIENT, RELOAD ON *.* TO 'ehrflow_cdc'@'%';
GRANT SELECT ON ehr.* TO 'ehrflow_cdc'@'%';
GRANT UPDATE ON ehr.cdc_heartbeat TO 'ehrflow_cdc'@'%';
EOSQL
unset cdc_pw
