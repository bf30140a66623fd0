package org.ehrflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaFixtureIT {

    @Test
    void fixtureBrokerTakesTheWholeTopicContract() throws Exception {
        try (KafkaFixture kafka = KafkaFixture.start()) {
            TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), 3, (short) 1);
            // a second call finds everything in place
            TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), 3, (short) 1);

            Set<String> expected = Topics.all().stream().map(t -> t.name()).collect(Collectors.toSet());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(expected);
                assertThat(admin.describeTopics(Set.of(Topics.RAW_HL7V2.name())).allTopicNames().get()
                        .get(Topics.RAW_HL7V2.name()).partitions()).hasSize(3);
            }
        }
    }
}
