package org.ehrflow.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ehrflow.gateway.GatewayConfig;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.fhir.Capability;
import org.ehrflow.gateway.fhir.FhirCodec;
import org.ehrflow.gateway.fhir.FhirFormat;
import org.ehrflow.gateway.ingest.FhirRequest;
import org.ehrflow.gateway.ingest.PatientIdentity;
import org.ehrflow.gateway.ingest.PatientIndex;
import org.ehrflow.gateway.ingest.Plan;
import org.ehrflow.gateway.ingest.RawFhirKeys;
import org.ehrflow.gateway.ingest.RawRecord;
import org.ehrflow.gateway.ingest.RequestPlanner;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.Topics;

/**
 * BENCHMARKS.md "FHIR gateway", the CPU side without sockets or a broker: per 100-entry transaction Bundle, the
 * gateway's own work (the planner: Jackson read of the request's bytes, R4 structure check, entry and identity
 * checks, keys, the record with the body decoded to text; the record's serialisation; the transaction-response's
 * encoding) against the direct producer's (Jackson read, key, record, serialisation), one thread, alternating
 * blocks so both see the same machine. The ratio is the ceiling of the end-to-end one: HTTP and the broker only add
 * to the gateway's side.
 *
 * <p>Args: rounds, Bundles per block.
 */
public final class PlanCostDriver {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 260;
        List<String> bundles = GatewayThroughputDriver.bundles(Path.of("../../shared/corpus/fhir/bundles"));
        List<byte[]> bodies = bundles.stream().map(b -> b.getBytes(StandardCharsets.UTF_8)).toList();
        GatewayConfig config = GatewayConfig.defaults(KafkaSettings.of("127.0.0.1:9"), List.of());
        RequestPlanner planner = new RequestPlanner(new FhirCodec(config.rejectUnknownElements()),
                new PatientIdentity(config.keys()), new PatientIndex(1000), Clock.systemUTC(),
                Capability.statement("/fhir", new Date()));
        Client client = new Client("bench", Set.of(Client.ANY_TYPE));
        double[] gw = new double[rounds];
        double[] direct = new double[rounds];
        long sink = 0;
        for (int r = -3; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < block; i++) {
                sink += direct(bundles.get(i % bundles.size()));
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < block; i++) {
                sink += gateway(planner, client, bodies.get(i % bodies.size()));
            }
            long t2 = System.nanoTime();
            if (r >= 0) {
                direct[r] = (t1 - t0) / 1e6 / block;
                gw[r] = (t2 - t1) / 1e6 / block;
            }
        }
        Arrays.sort(gw);
        Arrays.sort(direct);
        System.out.printf("per Bundle, median of %d rounds: direct %.3f ms, gateway %.3f ms, ratio %.2f (%d)%n",
                rounds, direct[rounds / 2], gw[rounds / 2], direct[rounds / 2] / gw[rounds / 2], sink & 1);
    }

    private static long direct(String bundle) throws Exception {
        JsonNode root = Json.MAPPER.readTree(bundle);
        String id = RawFhirKeys.idOf(root, bundle);
        RawMessage msg = new RawMessage(RawMessage.ContentType.FHIR_JSON, Provenance.atIngress(SourceType.FHIR,
                "bench", RawFhirKeys.messageId(root, id), null, Instant.now()), bundle);
        String key = RawFhirKeys.keyOf(root, id);
        return key.length() + Topics.RAW_FHIR.valueSerde().serializer().serialize("t", msg).length;
    }

    private static long gateway(RequestPlanner planner, Client client, byte[] body) {
        FhirRequest req = FhirRequest.ofBytes("POST", List.of(), Map.of(), "application/fhir+json", body, client);
        Plan.Publish p = (Plan.Publish) planner.plan(req);
        long n = 0;
        for (RawRecord rec : new ArrayList<>(p.records())) {
            n += rec.key().length() + Topics.RAW_FHIR.valueSerde().serializer().serialize("t", rec.message()).length;
        }
        return n + FhirCodec.encode(p.onAck().body(), FhirFormat.JSON).getBytes(StandardCharsets.UTF_8).length;
    }
}
