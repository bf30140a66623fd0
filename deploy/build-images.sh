#!/usr/bin/env bash
# Builds one OCI image tarball per app with Jib, without a Docker daemon:
#   <module>/target/jib-image.tar  (image name ehrflow/<module>:dev)
#   document-extractor/target/jib-image-document-ocr.tar  (ehrflow/document-ocr:dev, the OCR lane, see below)
# Load them where Docker runs with:  for t in */target/jib-image*.tar; do docker load -i "$t"; done
#
# Prerequisite: the modules are installed in the local repository (mvn -DskipTests install, once).
# Base image: EHRFLOW_JIB_FROM; default: deploy/target/ehrflow-jre17-base.tar when present (Debian 12 + OpenJDK 17
# JRE, built from Debian's mirror alone by deploy/build-base-image.sh; apps run as uid 10001), else
# eclipse-temurin:17-jre pulled from its registry by Jib. EHRFLOW_JIB_FROM=scratch builds the same layers and
# configuration on an empty base (checks the build; the image has no JVM and does not run); any saved
# docker-save tarball works too: EHRFLOW_JIB_FROM=tar:///path/to/image.tar
# deploy/check-image.sh runs a built image without a container runtime (unpack + chroot).
# Logging: the apps depend on the SLF4J API only, so every image gets logback-classic (the parent's version) and
# deploy/logging/logback.xml under /opt/ehrflow/logging, ahead of the app on the classpath; without them SLF4J
# falls back to its no-op logger and the apps log nothing.
# The OCR lane's image (document-ocr: module document-extractor, run with EHRFLOW_DOCUMENTS_LANES=SLOW) needs
# Tesseract in the image: its base is EHRFLOW_JIB_FROM_OCR, default deploy/target/ehrflow-jre17-ocr-base.tar
# (deploy/build-base-image.sh --ocr: the same Debian base plus tesseract-ocr and tesseract-ocr-eng); any base
# with those two packages and a Java 17 runtime works. Without one the build stops rather than make an image that
# dead-letters every scan. The fast lane's image (document-extractor) keeps the small base.
# Extra Maven flags (e.g. -o for offline once the Jib plugin is cached) come from MVN_FLAGS.
# Usage: deploy/build-images.sh [module...]   (default: every app)
set -euo pipefail
cd "$(dirname "$0")/.."

LOCAL_BASE="$PWD/deploy/target/ehrflow-jre17-base.tar"
if [ -n "${EHRFLOW_JIB_FROM:-}" ]; then
  FROM="$EHRFLOW_JIB_FROM"
elif [ -f "$LOCAL_BASE" ]; then
  FROM="tar://$LOCAL_BASE"
else
  FROM=eclipse-temurin:17-jre
fi
JIB="com.google.cloud.tools:jib-maven-plugin:3.4.4:buildTar"

declare -A MAIN=(
  [hl7-listener]=org.ehrflow.listener.Hl7ListenerApp
  [fhir-gateway]=org.ehrflow.gateway.GatewayApp
  [fhir-normalizer]=org.ehrflow.normalizer.NormalizerApp
  [chunker-stream]=org.ehrflow.chunker.ChunkerApp
  [embedder-sink]=org.ehrflow.sink.SinkApp
  [cdc-capture]=org.ehrflow.cdc.CdcCaptureApp
  [ops]=org.ehrflow.ops.OpsApp
  [retrieval-api]=org.ehrflow.api.RetrievalApiApp
  [document-extractor]=org.ehrflow.documents.DocumentExtractorApp
  [document-ocr]=org.ehrflow.documents.DocumentExtractorApp
)
# Images that are another module's build on another base: image name -> module.
declare -A MODULE=([document-ocr]=document-extractor)
LOCAL_OCR_BASE="$PWD/deploy/target/ehrflow-jre17-ocr-base.tar"
if [ -n "${EHRFLOW_JIB_FROM_OCR:-}" ]; then
  FROM_OCR="$EHRFLOW_JIB_FROM_OCR"
elif [ -f "$LOCAL_OCR_BASE" ]; then
  FROM_OCR="tar://$LOCAL_OCR_BASE"
else
  FROM_OCR=""
fi

# The logging layer: staged once, copied into each image by Jib as an extra directory.
LOGBACK_VERSION=$(sed -n 's:.*<logback.version>\(.*\)</logback.version>.*:\1:p' pom.xml)
M2="${M2_REPO:-$HOME/.m2/repository}/ch/qos/logback"
EXTRA="$PWD/deploy/target/image-extra"
rm -rf "$EXTRA"
mkdir -p "$EXTRA/opt/ehrflow/logging/lib" "$EXTRA/opt/ehrflow/logging/conf"
for a in logback-classic logback-core; do
  jar="$M2/$a/$LOGBACK_VERSION/$a-$LOGBACK_VERSION.jar"
  if [ ! -f "$jar" ]; then
    # shellcheck disable=SC2086
    mvn -B -q ${MVN_FLAGS:-} dependency:get -Dartifact="ch.qos.logback:$a:$LOGBACK_VERSION" -Dtransitive=false
  fi
  cp "$jar" "$EXTRA/opt/ehrflow/logging/lib/"
done
cp deploy/logging/logback.xml "$EXTRA/opt/ehrflow/logging/conf/"

modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=(hl7-listener fhir-gateway fhir-normalizer chunker-stream embedder-sink cdc-capture ops retrieval-api
    document-extractor)
  if [ -n "$FROM_OCR" ]; then
    modules+=(document-ocr)
  else
    echo "note: document-ocr skipped (no Tesseract base: deploy/build-base-image.sh --ocr, or EHRFLOW_JIB_FROM_OCR)" >&2
  fi
fi

for m in "${modules[@]}"; do
  main="${MAIN[$m]:-}"
  if [ -z "$main" ]; then
    echo "unknown module $m (one of: ${!MAIN[*]})" >&2
    exit 2
  fi
  module="${MODULE[$m]:-$m}"
  from="$FROM"
  tar=jib-image.tar
  [ "$module" = "$m" ] || tar="jib-image-$m.tar"   # two images of one module: one tarball each
  if [ "$m" = document-ocr ]; then
    if [ -z "$FROM_OCR" ]; then
      echo "document-ocr needs a base with Tesseract: run deploy/build-base-image.sh --ocr or set EHRFLOW_JIB_FROM_OCR" >&2
      exit 2
    fi
    from="$FROM_OCR"
  fi
  echo "== $m -> ehrflow/$m:dev (module $module, main $main, base $from)"
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_FLAGS:-} -pl "$module" -DskipTests package "$JIB" \
    -Djib.from.image="$from" \
    -Djib.to.image="ehrflow/$m:dev" \
    -Djib.container.mainClass="$main" \
    -Djib.container.creationTime=USE_CURRENT_TIMESTAMP \
    -Djib.extraDirectories.paths="$EXTRA" \
    -Djib.container.extraClasspath="/opt/ehrflow/logging/conf,/opt/ehrflow/logging/lib/*" \
    -Djib.outputPaths.tar="target/$tar"
  ls -l "$module/target/$tar"
done
