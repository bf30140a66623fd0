package org.ehrflow.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.ehrsim.sim.EhrSimulator;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.runtime.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link SeededInput} the way real sources do, in parallel, bounded in count and time, loopback only:
 * HL7 over MLLP from a sender that re-sends a message when no ACK arrives (reconnecting, as interface engines do),
 * FHIR documents produced with {@code acks=all} and re-sent until acknowledged, and EHR changes committed by the
 * simulator (captured by Debezium). Records what was acknowledged: those are the inputs that must not be lost.
 */
final class LoadRunner {

    private static final Logger LOG = LoggerFactory.getLogger(LoadRunner.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration GIVE_UP = Duration.ofMinutes(3);

    /** What the sources saw acknowledged. */
    record Outcome(Set<String> hl7Accepted, int hl7Rejected, int hl7Resends, Set<SeededInput.Fhir> fhirAcknowledged,
            int fhirResends, int cdcChanges, Duration elapsed) {
    }

    private final SeededInput input;
    private final String gatewayBase;
    private final Secret gatewayToken;
    private final int mllpPort;
    private final LocalPostgres ehr;
    private final long paceMillis;

    LoadRunner(SeededInput input, String gatewayBase, Secret gatewayToken, int mllpPort, LocalPostgres ehr,
            long paceMillis) {
        this.input = input;
        this.gatewayBase = gatewayBase;
        this.gatewayToken = gatewayToken;
        this.mllpPort = mllpPort;
        this.ehr = ehr;
        this.paceMillis = paceMillis;
    }

    Outcome run() throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Set<String> accepted = Collections.synchronizedSet(new LinkedHashSet<>());
            AtomicInteger rejected = new AtomicInteger();
            AtomicInteger hl7Resends = new AtomicInteger();
            Set<SeededInput.Fhir> fhirAcked = Collections.synchronizedSet(new LinkedHashSet<>());
            AtomicInteger fhirResends = new AtomicInteger();
            Future<?> hl7 = pool.submit(() -> {
                sendHl7(accepted, rejected, hl7Resends);
                return null;
            });
            Future<?> fhir = pool.submit(() -> {
                publishFhir(fhirAcked, fhirResends);
                return null;
            });
            Future<Integer> cdc = pool.submit(this::runEhr);
            hl7.get(GIVE_UP.toMinutes() + 2, TimeUnit.MINUTES);
            fhir.get(GIVE_UP.toMinutes() + 2, TimeUnit.MINUTES);
            int changes = cdc.get(GIVE_UP.toMinutes() + 2, TimeUnit.MINUTES);
            return new Outcome(Set.copyOf(accepted), rejected.get(), hl7Resends.get(), Set.copyOf(fhirAcked),
                    fhirResends.get(), changes, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            pool.shutdownNow();
        }
    }

    private void sendHl7(Set<String> accepted, AtomicInteger rejected, AtomicInteger resends) throws Exception {
        MllpClient client = null;
        try {
            for (SeededInput.Hl7 m : input.hl7) {
                long deadline = System.nanoTime() + GIVE_UP.toNanos();
                boolean first = true;
                while (true) {
                    if (!first) {
                        resends.incrementAndGet();
                    }
                    first = false;
                    try {
                        if (client == null) {
                            client = MllpClient.connect("127.0.0.1", mllpPort, ACK_TIMEOUT);
                        }
                        String code = MllpClient.ackCode(client.send(m.text()));
                        if ("AA".equals(code) || "CA".equals(code)) {
                            accepted.add(m.controlId());
                            break;
                        }
                        if ("AR".equals(code) || "CR".equals(code)) {
                            rejected.incrementAndGet(); // permanent: the message itself is bad
                            break;
                        }
                        // AE: the listener could not hand it to the broker; an engine re-sends it later.
                    } catch (IOException e) {
                        // No ACK (connection refused or dropped, timeout): reconnect and re-send the same message.
                        closeQuietly(client);
                        client = null;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no ACK for HL7 message " + m.controlId() + " within "
                                + GIVE_UP);
                    }
                    Thread.sleep(250);
                }
                Thread.sleep(paceMillis);
            }
        } finally {
            closeQuietly(client);
        }
    }

    /**
     * Each FHIR transaction Bundle to the gateway as an EHR would send it: a 2xx means the broker acknowledged every
     * entry; no answer, a 5xx or 429 means re-send the same Bundle (it is idempotent: PUTs of fixed ids and
     * versions). Any other status is a bug in the input or the gateway and fails the trial.
     */
    private void publishFhir(Set<SeededInput.Fhir> acked, AtomicInteger resends) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (SeededInput.Fhir doc : input.fhir) {
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            while (true) {
                int status;
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create(gatewayBase)).timeout(ACK_TIMEOUT)
                            .header("Authorization", "Bearer " + gatewayToken.value())
                            .header("Content-Type", "application/fhir+json")
                            .POST(HttpRequest.BodyPublishers.ofString(doc.json())).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    status = -1; // connection refused or dropped, no answer in time
                }
                if (status / 100 == 2) {
                    acked.add(doc);
                    break;
                }
                if (status != -1 && status != 429 && status / 100 != 5) {
                    throw new IllegalStateException("the gateway answered " + status + " to FHIR Bundle " + doc.id());
                }
                resends.incrementAndGet();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("FHIR Bundle " + doc.id() + " not acknowledged within " + GIVE_UP);
                }
                Thread.sleep(500);
            }
            Thread.sleep(paceMillis * 3);
        }
    }

    private int runEhr() throws InterruptedException {
        try (EhrWriter writer = new EhrWriter(ehr.jdbcUrl(Topology.EHR_DB), ehr.superuser(), ehr.superuserPassword())) {
            int rate = (int) Math.max(1, 1000 / Math.max(1, paceMillis));
            EhrSimulator.Result r = new EhrSimulator(writer, input.seed, input.cdcPrefix)
                    .run(rate, GIVE_UP, input.cdcChanges);
            LOG.info("EHR simulator committed {} changes", r.changes());
            return r.changes();
        }
    }

    private static void closeQuietly(MllpClient c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the connection is already gone
            }
        }
    }
}
