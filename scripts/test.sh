#!/usr/bin/env bash
# README command 2 (what CI runs): set up a fresh Debian 12 machine (idempotent), then unit tests,
# TopologyTestDriver tests and the integration tests on a real broker, real PostgreSQL+pgvector and the real model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mvn -B verify "$@"
