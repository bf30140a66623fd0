package org.ehrflow.chunker.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;

/**
 * The chunker's Streams graph: normalised FHIR records (read as bytes) through the chunk step, then split into
 * chunk sets and dead letters. The chunk step owns four state stores (encounter facts, their index, summary
 * items, identities; see {@link StateStores}); operator and store names are stable because they name internal
 * topics and metrics.
 */
public final class ChunkerTopology {

    private ChunkerTopology() {
    }

    public static Topology build(ResourceChunker chunker, ChunkerMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        TopicSpec<String, DeadLetter> dlq = Topics.dlq(Topics.APP_CHUNKER);
        StateStores.ALL.forEach(name -> builder.addStateStore(StateStores.builder(name)));
        KStream<String, Routed> routed = builder
                .stream(Topics.FHIR_RESOURCES.name(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("fhir-resources-source"))
                .process(() -> new ChunkProcessor(chunker, metrics), Named.as("chunk-resource"),
                        StateStores.ALL.toArray(String[]::new));
        routed.split(Named.as("route-"))
                .branch((key, value) -> value instanceof Routed.Dead, Branched.withConsumer(dead -> dead
                        .mapValues(v -> ((Routed.Dead) v).letter(), Named.as("dead-letter-value"))
                        .to(dlq.name(), Produced.with(dlq.keySerde(), dlq.valueSerde()).withName("dead-letters-sink")),
                        "dead-letters"))
                .defaultBranch(Branched.withConsumer(ok -> ok
                        .mapValues(v -> ((Routed.Out) v).set(), Named.as("chunk-set-value"))
                        .to(Topics.CHUNKS.name(), Produced.with(Topics.CHUNKS.keySerde(), Topics.CHUNKS.valueSerde())
                                .withName("chunk-sets-sink")),
                        "chunk-sets"));
        return builder.build();
    }
}
