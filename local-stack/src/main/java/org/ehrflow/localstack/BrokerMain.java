package org.ehrflow.localstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded KRaft broker as a process of its own, for topologies where the broker must be killed and restarted
 * independently of the stages (the chaos driver): {@code BrokerMain <logDir> <brokerPort> <controllerPort>
 * [<securityDir>]}; with a security dir ({@link BrokerSecurity#save}) the listener is SASL_SSL with ACLs. The log
 * directory is kept, so a restart finds its topics, offsets and transactions. Prints {@code READY <bootstrap>} on
 * standard output once clients can connect, and runs until killed (SIGTERM stops it cleanly).
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: BrokerMain <logDir> <brokerPort> <controllerPort> [<securityDir>]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int brokerPort = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        BrokerSecurity security = args.length == 4 ? BrokerSecurity.load(Path.of(args[3])) : null;
        EmbeddedKafka broker = null;
        // After a SIGKILL the old sockets may linger briefly: retry the bind for a few seconds.
        for (int attempt = 1; broker == null; attempt++) {
            try {
                broker = EmbeddedKafka.start(dir, brokerPort, controllerPort, security);
            } catch (IllegalStateException e) {
                if (attempt >= 20) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        new CountDownLatch(1).await(); // the shutdown hook of EmbeddedKafka stops the broker on SIGTERM
    }
}
