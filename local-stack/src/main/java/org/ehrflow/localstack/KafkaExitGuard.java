package org.ehrflow.localstack;

import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a fatal error inside the embedded broker from calling {@code System.exit}/{@code halt} on the host JVM
 * (a test runner or the demo); the broker thread gets an exception instead.
 */
final class KafkaExitGuard {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaExitGuard.class);
    private static volatile boolean installed;

    private KafkaExitGuard() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        Exit.setExitProcedure((status, message) -> refuse("exit", status));
        Exit.setHaltProcedure((status, message) -> refuse("halt", status));
        installed = true;
    }

    private static void refuse(String kind, int status) {
        LOG.error("embedded Kafka requested JVM {} with status {}; refused", kind, status);
        throw new IllegalStateException("embedded Kafka requested JVM " + kind + " with status " + status);
    }
}
