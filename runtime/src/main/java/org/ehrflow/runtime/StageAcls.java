package org.ehrflow.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.ehrflow.schemas.Topics;

/**
 * Least privilege on the broker, derived from the topic contract: each stage's principal may read the topics it
 * consumes, write the topics it produces and its own dead-letter topic, use its own consumer group, transactional
 * ids and Streams-internal topics (all prefixed by its application id), and nothing else. A broker with
 * {@code allow.everyone.if.no.acl.found=false} then refuses everything else, e.g. the listener reading FHIR.
 */
public final class StageAcls {

    /** Debezium's source offsets (cdc-capture's default offsets topic). */
    public static final String CDC_OFFSETS_TOPIC = "ehr.cdc-capture.offsets.v1";
    /** The FHIR gateway's application id (it produces raw FHIR). */
    public static final String APP_FHIR_GATEWAY = "fhir-gateway";
    /** The ops app (lag, freshness, dead letters): reads, never writes. */
    public static final String APP_OPS = "ops";
    /** The consumer groups ops describes for lag: every stage that commits offsets to Kafka. */
    private static final List<String> GROUPS = List.of(Topics.APP_FHIR_NORMALIZER, Topics.APP_CHUNKER,
            Topics.APP_DOCUMENT_EXTRACTOR, Topics.APP_DOCUMENT_OCR, Topics.APP_EMBEDDER_SINK);

    private StageAcls() {
    }

    /** The ACLs of {@code stage} (an application id of {@link Topics}) for {@code principal} ("User:name"). */
    public static List<AclBinding> of(String stage, String principal) {
        Grants g = new Grants(principal);
        if (APP_OPS.equals(stage)) {
            // Lag peeks one record per partition for its timestamp, and the dead-letter report reads the DLQs:
            // read access to every pipeline topic (PHI), no write anywhere, no group of its own (it assigns).
            Topics.all().forEach(t -> g.topic(t.name(), AclOperation.READ, AclOperation.DESCRIBE));
            GROUPS.forEach(group -> g.group(group, PatternType.LITERAL, AclOperation.DESCRIBE));
            return g.out;
        }
        g.cluster(AclOperation.IDEMPOTENT_WRITE);
        g.topic(Topics.dlq(stage).name(), AclOperation.WRITE, AclOperation.DESCRIBE);
        switch (stage) {
            case Topics.APP_HL7_LISTENER -> g.topic(Topics.RAW_HL7V2.name(), AclOperation.WRITE, AclOperation.DESCRIBE);
            case APP_FHIR_GATEWAY -> g.topic(Topics.RAW_FHIR.name(), AclOperation.WRITE, AclOperation.DESCRIBE);
            case Topics.APP_CDC_CAPTURE -> {
                g.topic(Topics.RAW_CDC.name(), AclOperation.WRITE, AclOperation.DESCRIBE);
                g.topic(CDC_OFFSETS_TOPIC, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE,
                        AclOperation.DESCRIBE_CONFIGS, AclOperation.CREATE);
            }
            case Topics.APP_FHIR_NORMALIZER -> {
                for (String raw : List.of(Topics.RAW_HL7V2.name(), Topics.RAW_FHIR.name(), Topics.RAW_CDC.name())) {
                    g.topic(raw, AclOperation.READ, AclOperation.DESCRIBE);
                }
                g.topic(Topics.FHIR_RESOURCES.name(), AclOperation.WRITE, AclOperation.DESCRIBE);
                g.streamsApp(stage);
            }
            case Topics.APP_DOCUMENT_EXTRACTOR -> {
                // The fast lane: owned documents in, their text (or the slow lane's work) out.
                g.topic(Topics.FHIR_RESOURCES.name(), AclOperation.READ, AclOperation.DESCRIBE);
                g.topic(Topics.DOCUMENT_TEXT.name(), AclOperation.WRITE, AclOperation.DESCRIBE);
                g.topic(Topics.DOCUMENT_SLOW_LANE.name(), AclOperation.WRITE, AclOperation.DESCRIBE);
                g.streamsApp(stage);
            }
            case Topics.APP_DOCUMENT_OCR -> {
                g.topic(Topics.DOCUMENT_SLOW_LANE.name(), AclOperation.READ, AclOperation.DESCRIBE);
                g.topic(Topics.DOCUMENT_TEXT.name(), AclOperation.WRITE, AclOperation.DESCRIBE);
                g.streamsApp(stage);
            }
            case Topics.APP_CHUNKER -> {
                g.topic(Topics.FHIR_RESOURCES.name(), AclOperation.READ, AclOperation.DESCRIBE);
                g.topic(Topics.DOCUMENT_TEXT.name(), AclOperation.READ, AclOperation.DESCRIBE);
                g.topic(Topics.CHUNKS.name(), AclOperation.WRITE, AclOperation.DESCRIBE);
                g.streamsApp(stage);
            }
            case Topics.APP_EMBEDDER_SINK -> {
                g.topic(Topics.CHUNKS.name(), AclOperation.READ, AclOperation.DESCRIBE);
                g.topic(Topics.FHIR_RESOURCES.name(), AclOperation.READ, AclOperation.DESCRIBE);
                g.group(stage, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE);
            }
            default -> throw new IllegalArgumentException("no ACLs are defined for stage " + stage);
        }
        return g.out;
    }

    /** Creates the ACLs of every stage in {@code principals} (stage -> principal) with an administrator's client. */
    public static void apply(Admin admin, Map<String, String> principals) throws InterruptedException {
        List<AclBinding> all = new ArrayList<>();
        principals.forEach((stage, principal) -> all.addAll(of(stage, principal)));
        try {
            admin.createAcls(all).all().get();
            awaitVisible(admin, all);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create ACLs: " + e.getCause().getClass().getSimpleName(), e);
        }
    }

    /**
     * Waits until the broker answers with every binding: the controller commits ACLs before the broker's
     * authorizer sees them, and a stage started right after the ACL job could otherwise be refused (seen once in
     * {@code SecureComposeIT} on a loaded machine). Up to 60 s.
     */
    private static void awaitVisible(Admin admin, List<AclBinding> wanted)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Collection<AclBinding> seen = admin.describeAcls(AclBindingFilter.ANY).values().get();
            if (seen.containsAll(wanted)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("created ACLs not visible on the broker after 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static final class Grants {
        private final String principal;
        private final List<AclBinding> out = new ArrayList<>();

        Grants(String principal) {
            this.principal = principal;
        }

        void topic(String name, AclOperation... ops) {
            add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), ops);
        }

        void group(String name, PatternType type, AclOperation... ops) {
            add(new ResourcePattern(ResourceType.GROUP, name, type), ops);
        }

        void cluster(AclOperation... ops) {
            add(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL), ops);
        }

        /**
         * A Kafka Streams application with exactly-once: its consumer group and transactional ids are its
         * application id (ids are "<app>-<process>-<thread>"), and it creates and uses internal changelog and
         * repartition topics named "<app>-...".
         */
        void streamsApp(String appId) {
            group(appId, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE);
            add(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, appId, PatternType.PREFIXED),
                    AclOperation.WRITE, AclOperation.DESCRIBE);
            add(new ResourcePattern(ResourceType.TOPIC, appId + "-", PatternType.PREFIXED), AclOperation.ALL);
        }

        private void add(ResourcePattern resource, AclOperation... ops) {
            for (AclOperation op : ops) {
                out.add(new AclBinding(resource, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
            }
        }
    }
}
