package org.ehrflow.demo.sources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ehrflow.mllp.MllpClient;

/** Sends HL7 v2 files over a real MLLP connection, as an interface engine would, and tallies the ACK codes. */
public final class Hl7Sender {

    private final String host;
    private final int port;

    public Hl7Sender(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** The *.hl7 files of {@code dir}, sorted by name. */
    public static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".hl7")).sorted().toList();
        }
    }

    /** Sends each message (bytes as stored) on one connection; returns ACK code (AA/AE/AR) to count. */
    public Map<String, Integer> sendFiles(List<Path> files) throws IOException {
        Map<String, Integer> tally = new TreeMap<>();
        try (MllpClient client = MllpClient.connect(host, port, Duration.ofSeconds(30))) {
            for (Path f : files) {
                String ack = new String(client.sendBytes(Files.readAllBytes(f)), StandardCharsets.UTF_8);
                tally.merge(MllpClient.ackCode(ack), 1, Integer::sum);
            }
        }
        return tally;
    }

    /** Sends one message given as text; returns the ACK code. */
    public String send(String message) throws IOException {
        try (MllpClient client = MllpClient.connect(host, port, Duration.ofSeconds(30))) {
            return MllpClient.ackCode(client.send(message));
        }
    }
}
