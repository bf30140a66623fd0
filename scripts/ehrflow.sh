#!/usr/bin/env bash
# One launcher for the command-line tools. Builds the tool's module when its sources changed, then runs it.
#   bash scripts/ehrflow.sh COMMAND [options]      (bash scripts/ehrflow.sh COMMAND --help for each)
# Settings come from EHRFLOW_* variables, as for the services (each tool's --help names them).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'USAGE'
usage: scripts/ehrflow.sh COMMAND [options]
  lag       lag of every stage per partition (records, seconds)
  dlq       dead letters: count, list, show, replay
  search    top chunks of one patient for a question
  reindex   change the embedding model without downtime
  audit     verify or export the retrieval API's audit trail
  chaos     kill -9 trials of the deployed topology (RELIABILITY.md)
USAGE
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
    lag)     mod=ops;           main=org.ehrflow.ops.lag.LagCli ;;
    dlq)     mod=ops;           main=org.ehrflow.ops.dlq.DlqCli ;;
    search)  mod=embedder-sink; main=org.ehrflow.sink.search.SearchCli ;;
    reindex) mod=embedder-sink; main=org.ehrflow.sink.reindex.ReindexCli ;;
    audit)   mod=retrieval-api; main=org.ehrflow.api.audit.AuditCli ;;
    chaos)   exec bash scripts/chaos.sh "$@" ;;
    ""|-h|--help|help) usage; exit 0 ;;
    *) echo "unknown command: $cmd" >&2; usage >&2; exit 2 ;;
esac

cp_file="$PWD/$mod/target/cli-classpath.txt"
if [ ! -f "$cp_file" ] || [ -n "$(find "$mod/src/main" pom.xml "$mod/pom.xml" -newer "$cp_file" -print -quit)" ]; then
    # Every module of the reactor writes the file; the tool's module comes last, so its classpath stays.
    mvn -B -q -Dstyle.color=never -pl "$mod" -am package -DskipTests \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >&2
fi
exec java -Dlogback.configurationFile=scripts/cli-logback.xml -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    -cp "$mod/target/classes:$(cat "$cp_file")" "$main" "$@"
