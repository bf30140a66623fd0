#!/usr/bin/env bash
# Chaos trials of the deployed topology (RELIABILITY.md): the broker, the vector store's PostgreSQL and every stage
# in its own process under a seeded load, killed with SIGKILL at random moments; checks that nothing acknowledged
# is lost. Loopback only, bounded in count and time. Options go to the driver, e.g.
#   bash scripts/chaos.sh --trials 20 --load-seeds 4 --report RELIABILITY.md
# (`--help` lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
mvn -B -q -pl chaos -am package -DskipTests
exec java -Xmx1g -cp "chaos/target/classes:$(cat chaos/target/classpath.txt)" org.ehrflow.chaos.ChaosCli "$@"
