#!/usr/bin/env bash
# Entrypoint of the secure broker (docker-compose.secure.yml): formats the log directory on first start with every
# SCRAM user already in it (no unauthenticated window in which to create them), then starts Kafka with
# server.properties. Users come from the mounted password files, one per principal (deploy/secure/make-secrets.sh).
# A formatted directory is kept as it is (its cluster id and data); users added later need kafka-configs.sh.
set -euo pipefail
KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
CONFIG="${EHRFLOW_KAFKA_SERVER_PROPERTIES:-/etc/ehrflow/kafka/server.properties}"
USERS="${EHRFLOW_KAFKA_USERS_DIR:-/run/secrets/kafka-users}"
CLUSTER_ID="${CLUSTER_ID:-ehrflow-secure-kraft1}"

scram=()
for f in "$USERS"/*.password; do
  [ -e "$f" ] || { echo "kafka-start: no user password files in $USERS" >&2; exit 2; }
  user="$(basename "$f" .password)"
  scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(cat "$f")]")
done
"$KAFKA_HOME/bin/kafka-storage.sh" format --ignore-formatted -t "$CLUSTER_ID" -c "$CONFIG" "${scram[@]}" >/dev/null
exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$CONFIG"
