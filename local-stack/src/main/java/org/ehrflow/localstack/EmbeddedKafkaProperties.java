package org.ehrflow.localstack;

import java.nio.file.Path;
import java.util.Properties;

/** The embedded broker's settings, kept apart so the values are easy to review. */
final class EmbeddedKafkaProperties {

    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private EmbeddedKafkaProperties() {
    }

    static Properties of(Path dir, int nodeId, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        String host = FreePorts.LOOPBACK;
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", nodeId + "@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.toString());
        // the topic contract is explicit: every topic is created by TopicAdmin
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // single node: internal topics must fit one replica; few partitions so the first group/txn is quick
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("group.initial.rebalance.delay.ms", "0");
        // small files and buffers: tests write little, and the machine is small
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("num.replica.fetchers", "1");
        return p;
    }

    /**
     * The same broker with one {@code SASL_SSL} listener (SCRAM-SHA-512 over TLS) for clients and for itself, and
     * ACLs enforced by KRaft's StandardAuthorizer: nothing is allowed that an ACL does not grant. The administrator
     * is the only super user besides the controller channel, which stays on loopback (a multi-node cluster puts it
     * on TLS with its own principal).
     */
    static Properties secure(Path dir, int nodeId, int brokerPort, int controllerPort, BrokerSecurity s) {
        Properties p = of(dir, nodeId, brokerPort, controllerPort);
        String host = FreePorts.LOOPBACK;
        p.put("listeners", "SASL_SSL://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "SASL_SSL://" + host + ":" + brokerPort);
        p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_SSL");
        p.put("sasl.enabled.mechanisms", BrokerSecurity.MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", BrokerSecurity.MECHANISM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                BrokerSecurity.jaas(s.adminUser(), s.users().get(s.adminUser())));
        p.put("ssl.keystore.location", s.keystore().toString());
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.password", s.storePassword().value());
        p.put("ssl.key.password", s.storePassword().value());
        p.put("ssl.truststore.location", s.truststore().toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", s.storePassword().value());
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        // ANONYMOUS is the principal of the PLAINTEXT controller channel (loopback only), which the broker needs.
        p.put("super.users", "User:" + s.adminUser() + ";User:ANONYMOUS");
        return p;
    }
}
