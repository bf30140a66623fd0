package org.ehrflow.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;

/**
 * Creates the contract's topics (broker auto-creation is off, so a typo cannot silently create a topic).
 * All keyed topics get the same partition count: co-partitioning by patient key depends on it.
 */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /** Creates every topic of {@link Topics#all()} that does not exist yet. */
    public static void ensureTopics(KafkaSettings kafka, int partitions, short replicationFactor) {
        try (Admin admin = Admin.create(kafka.clientProps())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<String, ?> t : Topics.all()) {
                if (!existing.contains(t.name())) {
                    NewTopic nt = new NewTopic(t.name(), partitions, replicationFactor);
                    if (t.name().startsWith("ehr.dlq.")) {
                        // Dead letters are evidence: keep them until an operator replays or purges them.
                        nt.configs(Map.of("retention.ms", "-1"));
                    }
                    missing.add(nt);
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics: " + e.getCause().getClass().getSimpleName(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("broker did not answer within 30 s while creating topics", e);
        }
    }
}
