#!/usr/bin/env bash
# The retrieval benchmark (issue 15): indexes ../shared/corpus with the real pipeline and asks the question set
# (demo/src/main/resources/retrieval/questions.json). Not part of CI. Usage, from the repository root:
#   scripts/retrieval-bench.sh [--data DIR] [--models INT8,FP32,BGE_SMALL_INT8] [more RetrievalBench options]
# It builds the reactor's classes (no install) and runs against this worktree's target/classes, not ~/.m2's
# SNAPSHOT jars of the project's own modules.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -o -q -B -pl demo -am package -DskipTests
  mvn -o -q -B -pl demo -am dependency:build-classpath -Dmdep.outputFile=target/demo.classpath -Dmdep.includeScope=runtime
fi
# Own modules from this tree's target/classes; third-party jars from the resolved class path.
cp=""
for m in schemas runtime embedding local-stack hl7-listener fhir-normalizer cdc-capture chunker-stream embedder-sink ops demo; do
  cp="$cp:$m/target/classes"
done
cp="$cp:$(tr ':' '\n' < demo/target/demo.classpath | grep -v '/org/ehrflow/' | paste -sd:)"
exec java -Xmx3g -cp "${cp#:}" org.ehrflow.demo.retrieval.RetrievalBench "$@"
