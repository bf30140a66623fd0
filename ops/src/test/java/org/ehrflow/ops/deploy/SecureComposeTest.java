package org.ehrflow.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.secure.yml keeps up with docker-compose.yml: every service that talks to Kafka gets SASL_SSL and a
 * principal of its own that make-secrets.sh creates and the ACL job grants; every JDBC URL verifies the server;
 * the topic job creates the same topics. (SecureComposeIT runs the pieces.)
 */
class SecureComposeTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(String file) throws Exception {
        return (Map<String, Map<String, Object>>) DeployFiles.yaml(DeployFiles.ROOT.resolve(file)).get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> out = new HashMap<>();
        if (service != null) {
            ((Map<String, Object>) service.getOrDefault("environment", Map.of()))
                    .forEach((k, v) -> out.put(k, String.valueOf(v)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> volumes(Map<String, Object> service) {
        return (List<String>) service.getOrDefault("volumes", List.of());
    }

    @Test
    void everyKafkaClientAndEveryDatabaseClientOfTheBaseFileIsSecuredByTheOverlay() throws Exception {
        Map<String, Map<String, Object>> base = services("docker-compose.yml");
        Map<String, Map<String, Object>> secure = services("docker-compose.secure.yml");
        String secrets = Files.readString(DeployFiles.ROOT.resolve("deploy/secure/make-secrets.sh"));
        Matcher m = Pattern.compile("PRINCIPALS=\\(([^)]*)\\)").matcher(secrets);
        assertThat(m.find()).isTrue();
        List<String> principals = List.of(m.group(1).trim().split("\\s+"));
        assertThat(principals).contains("admin").containsAll(KafkaAclsInit.PRINCIPALS.values().stream()
                .map(p -> p.substring("User:".length())).toList());
        base.forEach((name, service) -> {
            Map<String, String> baseEnv = env(service);
            Map<String, String> over = env(secure.get(name));
            if (baseEnv.containsKey("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS")) {
                assertThat(over).as(name).containsEntry("EHRFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                        .containsKey("EHRFLOW_KAFKA_SASL_JAAS_CONFIG_FILE");
                String jaas = over.get("EHRFLOW_KAFKA_SASL_JAAS_CONFIG_FILE");
                String principal = jaas.substring(jaas.lastIndexOf('/') + 1).replace(".conf", "");
                assertThat(principals).as(name).contains(principal);
                assertThat(principal).as(name + " is not the administrator").isNotEqualTo("admin");
                assertThat(volumes(secure.get(name))).as(name)
                        .contains("./deploy/secrets/secure/kafka-jaas/" + principal + ".conf:" + jaas + ":ro");
            }
            baseEnv.keySet().stream().filter(k -> k.endsWith("JDBC_URL")).forEach(k -> assertThat(over.get(k))
                    .as(name + " " + k).contains("sslmode=verify-full"));
        });
        String script = (String) ((List<?>) secure.get("kafka-topics").get("command")).get(0);
        Matcher list = Pattern.compile("for t in ([^;]*);").matcher(script);
        assertThat(list.find()).isTrue();
        assertThat(List.of(list.group(1).trim().split("\\s+")))
                .containsExactlyInAnyOrderElementsOf(Topics.all().stream().map(TopicSpec::name).toList());
    }
}
