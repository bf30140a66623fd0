package org.ehrflow.gateway;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.localstack.TopicReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.Topics;

/** Test helpers: a client entry with a token file, HAPI's generic client against the gateway, topic reads. */
final class GatewayFixture {

    static final String TOKEN = "it-token-0123456789abcdef";
    /** HAPI's client, as an EHR would use it; one context for the test JVM (they are expensive). */
    static final FhirContext CLIENT_CTX = FhirContext.forR4();

    private GatewayFixture() {
    }

    static List<ClientRegistry.Entry> clients(String id) {
        return List.of(new ClientRegistry.Entry(new Client(id, Set.of(Client.ANY_TYPE)), new Secret(TOKEN)));
    }

    static IGenericClient hapiClient(String baseUrl, String token) {
        CLIENT_CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        CLIENT_CTX.getRestfulClientFactory().setSocketTimeout(60_000);
        IGenericClient c = CLIENT_CTX.newRestfulGenericClient(baseUrl);
        c.registerInterceptor(new BearerTokenAuthInterceptor(token));
        return c;
    }

    /** Every record on the raw FHIR topic: key and value. */
    record Raw(String key, RawMessage message) {
    }

    static List<Raw> rawFhir(KafkaSettings kafka) {
        Properties p = kafka.clientProps();
        List<ConsumerRecord<String, byte[]>> all = TopicReader.readAll(p, Topics.RAW_FHIR.name(),
                Duration.ofSeconds(20));
        return all.stream().map(r -> new Raw(r.key(),
                Topics.RAW_FHIR.valueSerde().deserializer().deserialize(r.topic(), r.value()))).toList();
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
