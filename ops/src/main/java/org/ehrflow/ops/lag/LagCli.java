package org.ehrflow.ops.lag;

import java.time.Clock;
import java.util.Map;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;

/**
 * The {@code lag} command: prints every stage's lag per partition, reading Kafka group offsets and the sink's
 * offsets from PostgreSQL. Settings: EHRFLOW_KAFKA_BOOTSTRAP_SERVERS, EHRFLOW_OPS_SINK_JDBC_URL,
 * EHRFLOW_OPS_SINK_USER, EHRFLOW_OPS_SINK_PASSWORD.
 */
public final class LagCli {

    private LagCli() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        ConfigReader cfg = new ConfigReader(env, "EHRFLOW_OPS_");
        String url = cfg.string("SINK_JDBC_URL", null);
        String user = cfg.string("SINK_USER", "postgres");
        Secret password = cfg.secret("SINK_PASSWORD", "");
        cfg.validate();
        SinkOffsetReader sink = url == null ? null : new SinkOffsetReader(url, user, password.value());
        try (LagMonitor monitor = new LagMonitor(KafkaSettings.read(env), sink, Clock.systemUTC())) {
            System.out.print(LagTable.render(monitor.measure(Stage.pipeline())));
        }
    }
}
