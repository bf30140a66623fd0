package org.ehrflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.ehrflow.api.auth.UserRule;
import org.ehrflow.runtime.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiConfigTest {

    @TempDir
    Path dir;

    private Map<String, String> valid() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        Map<String, String> env = new HashMap<>();
        env.put("EHRFLOW_API_JDBC_URL", "jdbc:postgresql://db:5432/rag");
        env.put("EHRFLOW_API_READER_USER", "rag_api");
        env.put("EHRFLOW_API_READER_PASSWORD", "reader-secret");
        env.put("EHRFLOW_API_DEID_USER", "rag_api_deid");
        env.put("EHRFLOW_API_JWKS_FILE", jwks.toString());
        env.put("EHRFLOW_API_ISSUER", "https://idp");
        env.put("EHRFLOW_API_AUDIENCE", "ehrflow");
        env.put("EHRFLOW_API_AUDIT_KEY", "k".repeat(32));
        return env;
    }

    @Test
    void defaultsAndMaskedSecrets() throws Exception {
        ApiConfig c = ApiConfig.fromEnv(valid());
        assertThat(c.port()).isEqualTo(ApiConfig.DEFAULT_PORT);
        assertThat(c.auditUser()).as("audit login defaults to the reader's").isEqualTo("rag_api");
        assertThat(c.userRule()).isEqualTo(UserRule.CLAIM);
        assertThat(c.maxK()).isEqualTo(50);
        assertThat(c.auditQueryText()).isFalse();
        assertThat(c.toString()).doesNotContain("reader-secret").doesNotContain("kkkk");
    }

    @Test
    void reportsEveryProblemAtOnce() throws Exception {
        Map<String, String> env = valid();
        env.remove("EHRFLOW_API_ISSUER");
        env.put("EHRFLOW_API_DEID_USER", "rag_api");
        env.put("EHRFLOW_API_AUDIT_KEY", "short");
        env.put("EHRFLOW_API_MAX_K", "5000");
        env.put("EHRFLOW_API_JDBC_URL", "jdbc:mysql://x");
        env.put("EHRFLOW_API_JWKS_URL", "http://idp.example/jwks");
        assertThatThrownBy(() -> ApiConfig.fromEnv(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("EHRFLOW_API_ISSUER").hasMessageContaining("EHRFLOW_API_DEID_USER")
                .hasMessageContaining("EHRFLOW_API_AUDIT_KEY").hasMessageContaining("EHRFLOW_API_MAX_K")
                .hasMessageContaining("EHRFLOW_API_JDBC_URL")
                .hasMessageContaining("EHRFLOW_API_JWKS_URL must be https")
                .hasMessageContaining("exactly one of EHRFLOW_API_JWKS_FILE and EHRFLOW_API_JWKS_URL");
    }
}
