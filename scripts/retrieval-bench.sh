#!/usr/bin/env bash
# The retrieval benchmark (issue 15): indexes ../shared/corpus with the real pipeline and asks the question set
# (demo/src/main/resources/retrieval/questions.json). Not part of CI. Usage, from the repository root:
#   scripts/retrieval-bench.sh [--data DIR] [--models INT8,FP32,BGE_SMALL_INT8] [more RetrievalBench options]
# It builds the reactor's classes (no install) and runs against this worktree's target/classes, not ~/.m2's
# SNAPSHOT jars of the project's own modules.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # One invocation: the class path then resolves the reactor's own modules from this build, not from ~/.m2.
  mvn -o -q -B -pl demo -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/demo.classpath \
    -Dmdep.includeScope=runtime
fi
# Own modules from a snapshot of this tree's target/classes (a build during the run must not swap classes under
# the running JVM); third-party jars from the resolved class path.
snap=$(mktemp -d /tmp/retrieval-bench-classes.XXXXXX)
trap 'rm -rf "$snap"' EXIT
cp=""
for m in schemas runtime tokenizer embedding local-stack hl7 mllp hl7-listener cdc-mapping fhir-normalizer ehr-sim cdc-capture chunker-stream embedder-sink pipeline ops demo; do
  cp -r "$m/target/classes" "$snap/$m"
  cp="$cp:$snap/$m"
done
cp="$cp:$(tr ':' '\n' < demo/target/demo.classpath | grep -v '/org/ehrflow/' | paste -sd:)"
java -Xmx3g -cp "${cp#:}" org.ehrflow.demo.retrieval.RetrievalBench "$@"
