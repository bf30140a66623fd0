package org.ehrflow.ops.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.ehrflow.runtime.ConfigException;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.StageAcls;
import org.ehrflow.schemas.Topics;

/**
 * One-shot job of docker-compose.secure.yml: as the broker's administrator (EHRFLOW_KAFKA_* settings: SASL_SSL,
 * SCRAM, the JAAS line as a *_FILE), grants each stage's principal exactly its {@link StageAcls}: a principal is
 * named like its application id ({@code User:hl7-listener}; the OCR lane's service is {@code User:document-ocr}).
 * Creating an ACL that exists changes nothing, so the job can run on every {@code up}.
 * Exit 0 done, 2 invalid settings, 1 the broker refused (reason by class, no secrets).
 */
public final class KafkaAclsInit {

    /** Stage (application id) to principal: one principal per deployable, as deploy/secure/make-secrets.sh makes. */
    static final Map<String, String> PRINCIPALS = principals();

    private KafkaAclsInit() {
    }

    private static Map<String, String> principals() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String stage : List.of(Topics.APP_HL7_LISTENER, StageAcls.APP_FHIR_GATEWAY, Topics.APP_FHIR_NORMALIZER,
                Topics.APP_CHUNKER, Topics.APP_EMBEDDER_SINK, Topics.APP_CDC_CAPTURE, Topics.APP_DOCUMENT_EXTRACTOR,
                Topics.APP_DOCUMENT_OCR, StageAcls.APP_OPS)) {
            m.put(stage, "User:" + stage);
        }
        return Map.copyOf(m);
    }

    /** Applies every stage's ACLs with the administrator's settings {@code env}. */
    static void apply(Map<String, String> env) throws InterruptedException {
        KafkaSettings kafka = KafkaSettings.read(env);
        try (Admin admin = Admin.create(kafka.clientProps())) {
            StageAcls.apply(admin, PRINCIPALS);
        }
    }

    public static void main(String[] args) {
        try {
            apply(System.getenv());
            System.out.println("kafka ACLs ready for " + PRINCIPALS.size() + " stages");
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        } catch (RuntimeException e) {
            System.err.println("kafka ACLs could not be created: " + e.getClass().getSimpleName());
            System.exit(1);
        }
    }
}
