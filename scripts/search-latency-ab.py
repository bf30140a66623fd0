#!/usr/bin/env python3
"""Hybrid search latency with and without an index, interleaved, on a kept retrieval-bench cluster.

  scripts/search-latency-ab.py sql  QUESTIONS.json PATIENT_KEY INDEX N > ab.sql   # write the psql script
  psql -h SOCKET_DIR -p PORT -U postgres -d rag -f ab.sql > ab.out                 # run it (PGPASSWORD set)
  scripts/search-latency-ab.py report ab.out                                       # p50/p90/p99 per pass

The script asks N questions of the set (sampled with seed 7) against PATIENT_KEY with ehrflow.search_chunks in
hybrid mode (k 10), each with the stored vector of another patient's chunk as its query vector (exact-scan latency
does not depend on the values), in four passes: without INDEX (dropped inside a transaction that is rolled back),
with it, without, with. Used for V9 (issue 15); the synthetic patient is built as demo LatencyProbe builds it.
"""
import json
import random
import re
import sys


def sql(questions, key, index, n):
    texts = [q["question"] for q in json.load(open(questions))["questions"]]
    random.seed(7)
    sample = random.sample(texts, n)
    out = ["\\set QUIET on", "\\pset tuples_only on", "\\o /dev/null",
           "SELECT model_name AS m FROM ehrflow.embedding_model WHERE role='serving' \\gset",
           "CREATE TEMP TABLE qv AS SELECT row_number() over () AS i, embedding AS v FROM (SELECT embedding "
           "FROM ehrflow.chunk WHERE patient_key <> '%s' ORDER BY chunk_id LIMIT %d) s;" % (key, n),
           "\\timing on"]
    for mode in ["without", "with", "without", "with"]:
        out.append("\\echo PASS %s" % mode)
        if mode == "without":
            out.append("BEGIN; DROP INDEX %s;" % index)
        for i, t in enumerate(sample):
            out.append("SELECT count(*) FROM ehrflow.search_chunks('%s', (SELECT v FROM qv WHERE i=%d), '%s', 10, "
                       ":'m');" % (key, i + 1, t.replace("'", "''")))
        if mode == "without":
            out.append("ROLLBACK;")
    print("\n".join(out))


def report(path):
    passes = []
    for line in open(path):
        m = re.match(r"PASS (\w+)", line)
        if m:
            passes.append((m.group(1), []))
            continue
        m = re.match(r"Time: ([\d.]+) ms", line)
        if m and passes:
            passes[-1][1].append(float(m.group(1)))
    for name, times in passes:
        v = sorted(times[2:-1] if name == "without" else times)  # drop BEGIN, DROP INDEX, ROLLBACK
        n = len(v)
        print("%-8s %d queries: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f ms" % (
            name, n, v[n // 2], v[int(n * .9)], v[min(n - 1, int(n * .99))], v[-1]))


if __name__ == "__main__":
    if sys.argv[1] == "sql":
        sql(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        report(sys.argv[2])
