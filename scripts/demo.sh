#!/usr/bin/env bash
# README command 1: set up a fresh Debian 12 machine (idempotent), build, and run the whole pipeline on the
# embedded default (in-JVM KRaft broker + project-owned PostgreSQL with pgvector), feeding it the shared corpus.
# Arguments are passed to DemoApp (e.g. --keep to keep the stack running, --corpus DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mvn -B -q -DskipTests install
mvn -B -q -pl demo dependency:build-classpath -Dmdep.outputFile=target/demo.classpath -Dmdep.includeScope=runtime
exec java -Xmx3g -cp "demo/target/classes:$(cat demo/target/demo.classpath)" org.ehrflow.demo.DemoApp "$@"
