package org.ehrflow.chaos;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ehrflow.localstack.FreePorts;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.ops.lag.LagMonitor;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.lag.SinkOffsetReader;
import org.ehrflow.ops.lag.Stage;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.store.Migrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trial: the topology up, the seeded load sent while the monkey kills processes, the pipeline drained, every
 * invariant checked, and a replay of the sink's topics into a fresh database compared with the live one.
 */
final class Trial {

    private static final Logger LOG = LoggerFactory.getLogger(Trial.class);
    private static final String REPLAY_DB = "rag_replay";

    /** What a trial did and found. */
    record Result(int number, long loadSeed, long monkeySeed, boolean asyncCommit, List<Monkey.Kill> kills,
            LoadRunner.Outcome load, String digest, String fullDigest, String replayDigest, List<String> violations,
            Duration elapsed) {

        boolean passed() {
            return violations.isEmpty();
        }
    }

    /** How a trial runs. {@code expectedDigest} is the clean run's digest of the same load seed (null: none yet). */
    record Plan(int number, long loadSeed, long monkeySeed, int scale, int kills, boolean asyncCommit, int partitions,
            long paceMillis, String expectedDigest, Set<String> victims, boolean secure) {
    }

    /** The topology's victims, or those named in {@code names} (empty: all). */
    private static List<Victim> victims(Topology t, Set<String> names) {
        List<Victim> out = t.victims().stream().filter(v -> names.isEmpty() || names.contains(v.name())).toList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no process is named " + names);
        }
        return out;
    }

    private Trial() {
    }

    static Result run(Path work, Plan plan) throws Exception {
        long t0 = System.nanoTime();
        SeededInput input = SeededInput.of(plan.loadSeed(), plan.scale());
        try (Topology topology = Topology.start(work, plan.partitions(), plan.asyncCommit(),
                plan.secure())) {
            LoadRunner runner = new LoadRunner(input, topology.gatewayBase(), topology.gatewayToken(),
                    topology.mllpPort(),
                    topology.ehrDatabase(), plan.paceMillis());
            ExecutorService loadThread = Executors.newSingleThreadExecutor();
            List<Monkey.Kill> kills;
            LoadRunner.Outcome load;
            try {
                Future<LoadRunner.Outcome> f = loadThread.submit(runner::run);
                kills = plan.kills() == 0 ? List.of()
                        : new Monkey(victims(topology, plan.victims()), plan.monkeySeed(), plan.kills()).run();
                load = f.get(10, TimeUnit.MINUTES);
            } finally {
                loadThread.shutdownNow();
            }
            LOG.info("trial {}: load done ({} HL7 AA, {} AR, {} resends; {} FHIR; {} EHR changes), {} kills",
                    plan.number(), load.hl7Accepted().size(), load.hl7Rejected(), load.hl7Resends(),
                    load.fhirAcknowledged().size(), load.cdcChanges(), kills.size());
            Topology.awaitReady("every process", topology::allReady, Duration.ofMinutes(3));
            awaitDrained(topology, Duration.ofSeconds(5), Duration.ofMinutes(6));

            List<String> violations = new ArrayList<>();
            KafkaSettings kafka = topology.adminSettings();
            violations.addAll(Invariants.acknowledgedInputsNormalised(kafka, load));
            violations.addAll(Invariants.onlyBadInputsDeadLettered(kafka, input));
            LocalPostgres pg = topology.vectorStore();
            String digest;
            String full;
            try (Connection rag = pg.connect(Topology.RAG_DB);
                    Connection ehr = topology.ehrDatabase().connect(Topology.EHR_DB)) {
                violations.addAll(Invariants.ehrRowsExactlyIndexed(ehr, rag));
                StateDigest.dump(rag, work);
                digest = StateDigest.of(rag, false);
                full = StateDigest.of(rag, true);
            }
            if (plan.expectedDigest() != null && !plan.expectedDigest().equals(digest)) {
                violations.add("DIGEST_DIFFERS: " + digest + " vs clean " + plan.expectedDigest());
            }
            String replay = replay(topology);
            if (!replay.equals(full)) {
                violations.add("REPLAY_DIFFERS: " + replay + " vs live " + full);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            LOG.info("trial {}: {} in {} s", plan.number(), violations.isEmpty() ? "PASSED" : "FAILED " + violations,
                    elapsed.toSeconds());
            return new Result(plan.number(), plan.loadSeed(), plan.monkeySeed(), plan.asyncCommit(), kills, load,
                    digest, full, replay, violations, elapsed);
        }
    }

    /** Waits until every stage's lag is 0 (sink offsets from PostgreSQL) for {@code quiet}. */
    static void awaitDrained(Topology t, Duration quiet, Duration timeout) throws Exception {
        LocalPostgres pg = t.vectorStore();
        SinkOffsetReader sink = new SinkOffsetReader(pg.jdbcUrl(Topology.RAG_DB), pg.superuser(),
                pg.superuserPassword().value());
        long deadline = System.nanoTime() + timeout.toNanos();
        long drainedSince = -1;
        try (LagMonitor monitor = new LagMonitor(t.adminSettings(), sink, Clock.systemUTC())) {
            while (true) {
                long lag = monitor.measure(Stage.pipeline()).stream().mapToLong(PartitionLag::lagOffsets).sum();
                long now = System.nanoTime();
                if (lag == 0) {
                    drainedSince = drainedSince < 0 ? now : drainedSince;
                    if (now - drainedSince >= quiet.toNanos()) {
                        return;
                    }
                } else {
                    drainedSince = -1;
                }
                if (now > deadline) {
                    throw new IllegalStateException("pipeline did not drain within " + timeout + " (lag " + lag + ")");
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Stops the live sinks, feeds a fresh database from the earliest offsets with a new sink process, waits until it
     * stored the same offsets as the live database, and returns its digest.
     */
    private static String replay(Topology t) throws Exception {
        t.stopSinks();
        LocalPostgres pg = t.vectorStore();
        pg.createDatabase(REPLAY_DB);
        Migrations.run(pg.jdbcUrl(REPLAY_DB), pg.superuser(), pg.superuserPassword());
        SinkOffsetReader live = new SinkOffsetReader(pg.jdbcUrl(Topology.RAG_DB), pg.superuser(),
                pg.superuserPassword().value());
        SinkOffsetReader replayed = new SinkOffsetReader(pg.jdbcUrl(REPLAY_DB), pg.superuser(),
                pg.superuserPassword().value());
        Map<?, Long> target = live.read(Topics.APP_EMBEDDER_SINK);
        JvmProcess sink = t.extraStage("embedder-sink-replay", "org.ehrflow.sink.SinkApp", "EHRFLOW_SINK_",
                t.sinkEnv(REPLAY_DB), FreePorts.pick());
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
            while (!replayed.read(Topics.APP_EMBEDDER_SINK).equals(target)) {
                if (System.nanoTime() > deadline || !sink.alive()) {
                    throw new IllegalStateException("the replay did not reach the live offsets");
                }
                Thread.sleep(500);
            }
        } finally {
            sink.stop();
        }
        try (Connection c = pg.connect(REPLAY_DB)) {
            return StateDigest.of(c, true);
        }
    }
}
