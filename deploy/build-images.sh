#!/usr/bin/env bash
# Builds one OCI image tarball per app with Jib, without a Docker daemon:
#   <module>/target/jib-image.tar  (image name ehrflow/<module>:dev)
# Load them where Docker runs with:  for t in */target/jib-image.tar; do docker load -i "$t"; done
#
# Prerequisite: the modules are installed in the local repository (mvn -DskipTests install, once).
# Base image: EHRFLOW_JIB_FROM (default eclipse-temurin:17-jre), pulled from its registry by Jib, so building a
# runnable image needs registry access. Without it, EHRFLOW_JIB_FROM=scratch builds the same layers and
# configuration on an empty base (checks the build; the image has no JVM and does not run), or point it at a
# saved base image: EHRFLOW_JIB_FROM=tar:///path/to/eclipse-temurin-17-jre.tar
# Extra Maven flags (e.g. -o for offline once the Jib plugin is cached) come from MVN_FLAGS.
# Usage: deploy/build-images.sh [module...]   (default: every app)
set -euo pipefail
cd "$(dirname "$0")/.."

FROM="${EHRFLOW_JIB_FROM:-eclipse-temurin:17-jre}"
JIB="com.google.cloud.tools:jib-maven-plugin:3.4.4:buildTar"

declare -A MAIN=(
  [hl7-listener]=org.ehrflow.listener.Hl7ListenerApp
  [fhir-normalizer]=org.ehrflow.normalizer.NormalizerApp
  [chunker-stream]=org.ehrflow.chunker.ChunkerApp
  [embedder-sink]=org.ehrflow.sink.SinkApp
  [cdc-capture]=org.ehrflow.cdc.CdcCaptureApp
  [ops]=org.ehrflow.ops.OpsApp
)

modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=(hl7-listener fhir-normalizer chunker-stream embedder-sink cdc-capture ops)
fi

for m in "${modules[@]}"; do
  main="${MAIN[$m]:-}"
  if [ -z "$main" ]; then
    echo "unknown module $m (one of: ${!MAIN[*]})" >&2
    exit 2
  fi
  echo "== $m -> ehrflow/$m:dev (main $main, base $FROM)"
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_FLAGS:-} -pl "$m" -DskipTests package "$JIB" \
    -Djib.from.image="$FROM" \
    -Djib.to.image="ehrflow/$m:dev" \
    -Djib.container.mainClass="$main" \
    -Djib.container.creationTime=USE_CURRENT_TIMESTAMP \
    -Djib.outputPaths.tar="target/jib-image.tar"
  ls -l "$m/target/jib-image.tar"
done
