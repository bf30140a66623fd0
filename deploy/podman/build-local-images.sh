#!/usr/bin/env bash
# Loads the ehrflow images into podman and builds local stand-ins for the third-party images docker-compose.yml
# names, for machines that reach Debian's mirror and Maven Central but no container registry:
#   ehrflow/jre17-base:bookworm           deploy/target/ehrflow-jre17-base.tar (deploy/build-base-image.sh)
#   ehrflow/<app>:dev                     <app>/target/jib-image.tar (deploy/build-images.sh)
#   ehrflow-local/kafka:3.9.1             Kafka 3.9.1 jars from Maven Central        (for apache/kafka:3.9.1)
#   ehrflow-local/pgvector:pg15           Debian postgresql-15 + pgvector from source (for pgvector/pgvector:pg15)
#   ehrflow-local/prometheus:2.42         Debian's prometheus package               (for prom/prometheus:v2.55.1)
# Grafana has no stand-in (not packaged by Debian). deploy/podman/compose.local.yml points the services at these.
# Needs root, podman, runc (see deploy/podman/containers.conf). Usage: deploy/podman/build-local-images.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}"
CTX=deploy/target/podman

BASE=deploy/target/ehrflow-jre17-base.tar
[ -f "$BASE" ] || { echo "no $BASE: run deploy/build-base-image.sh first" >&2; exit 1; }
podman load -q -i "$BASE"
for t in */target/jib-image*.tar; do
  podman load -q -i "$t"
done

echo "== ehrflow-local/kafka:3.9.1"
rm -rf "$CTX/kafka"
mkdir -p "$CTX"
cp -r deploy/podman/kafka "$CTX/kafka"
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS:-} -f deploy/podman/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$PWD/$CTX/kafka/libs"
podman build -q -t ehrflow-local/kafka:3.9.1 "$CTX/kafka"

echo "== ehrflow-local/pgvector:pg15"
podman build -q -t ehrflow-local/pgvector:pg15 deploy/podman/postgres

echo "== ehrflow-local/prometheus:2.42"
podman build -q -t ehrflow-local/prometheus:2.42 deploy/podman/prometheus

podman images | grep -E '^(REPOSITORY|localhost/ehrflow)'
