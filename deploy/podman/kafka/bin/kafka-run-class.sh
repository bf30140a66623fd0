#!/bin/bash
# java with the Kafka jars; KAFKA_HEAP_OPTS, KAFKA_OPTS and KAFKA_LOG4J_OPTS as in the Apache distribution.
# shellcheck disable=SC2086 # the *_OPTS hold several JVM options: split on purpose
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} \
  ${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:/opt/kafka/config/tools-log4j.properties} \
  -cp '/opt/kafka/libs/*' "$@"
