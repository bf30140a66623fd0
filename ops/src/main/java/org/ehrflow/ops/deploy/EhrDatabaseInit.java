package org.ehrflow.ops.deploy;

import java.util.Map;
import org.ehrflow.cdc.ehr.EhrSchema;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;

/**
 * One-shot set-up of the EHR database for docker-compose: cdc-capture's migrations (schema, capture role,
 * publication, heartbeat table) and the capture role's password. Settings: EHRFLOW_OPS_INIT_EHR_JDBC_URL,
 * EHRFLOW_OPS_INIT_ADMIN_USER, EHRFLOW_OPS_INIT_ADMIN_PASSWORD, EHRFLOW_OPS_INIT_CDC_PASSWORD.
 */
public final class EhrDatabaseInit {

    private EhrDatabaseInit() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        ConfigReader r = new ConfigReader(env, "EHRFLOW_OPS_INIT_");
        String url = r.requiredString("EHR_JDBC_URL");
        String admin = r.string("ADMIN_USER", "postgres");
        Secret adminPassword = r.secret("ADMIN_PASSWORD", "");
        Secret cdcPassword = r.secret("CDC_PASSWORD", "");
        r.check(!cdcPassword.value().isEmpty(), r.key("CDC_PASSWORD") + " is required");
        r.validate();
        int ran = EhrSchema.migrate(url, admin, adminPassword, cdcPassword);
        System.out.println("EHR database ready: " + ran + " migrations applied");
    }
}
