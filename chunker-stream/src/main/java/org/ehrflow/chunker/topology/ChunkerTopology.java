package org.ehrflow.chunker.topology;

import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;

/**
 * The chunker's Streams graph: normalised FHIR records (read as bytes) through the chunk step, then split into
 * chunk sets and dead letters; a MERGE's state transfer loops through an internal topic to the surviving patient's
 * task. The chunk step and the transfer step share four state stores (encounter facts, their index, summary items,
 * identities; see {@link StateStores}); operator and store names are stable because they name internal topics and
 * metrics.
 */
public final class ChunkerTopology {

    /**
     * Name of the repartition step that carries merge transfers; the internal topic is
     * {@code chunker-stream-merge-transfer-repartition}. Stable: renaming it strands transfers in flight.
     */
    static final String MERGE_TRANSFER = "merge-transfer";

    private ChunkerTopology() {
    }

    /** What leaves the chunk step for the survivor's task: a merge's state transfer or a redirected record. */
    private static boolean toSurvivor(Routed r) {
        return r instanceof Routed.Transfer || r instanceof Routed.Redirect;
    }

    private static String handoffJson(Routed r) {
        return r instanceof Routed.Transfer t ? t.transfer().toJson() : ((Routed.Redirect) r).redirected().toJson();
    }

    public static Topology build(ResourceChunker chunker, ChunkerMetrics metrics) {
        return build(chunker, metrics, false);
    }

    /**
     * The graph; with {@code documentsFromExtractor} the records the document extractor owns
     * ({@code DocumentRouting}) are skipped on the normalised topic and their text is read from
     * {@code ehr.extracted.document-text.v1} instead, through {@code chunk-document}, which shares the stores
     * (PHI tags know the patient's names) and so the sub-topology.
     */
    public static Topology build(ResourceChunker chunker, ChunkerMetrics metrics, boolean documentsFromExtractor) {
        StreamsBuilder builder = new StreamsBuilder();
        TopicSpec<String, DeadLetter> dlq = Topics.dlq(Topics.APP_CHUNKER);
        StateStores.SHARED.forEach(name -> builder.addStateStore(StateStores.builder(name)));
        if (documentsFromExtractor) {
            builder.addStateStore(StateStores.builder(StateStores.DOCUMENT_VERSIONS));
        }
        String[] stores = StateStores.SHARED.toArray(String[]::new);
        String[] withDocuments = documentsFromExtractor ? Stream.concat(StateStores.SHARED.stream(),
                Stream.of(StateStores.DOCUMENT_VERSIONS)).toArray(String[]::new) : stores;
        KStream<String, Routed> chunked = builder
                .stream(Topics.FHIR_RESOURCES.name(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("fhir-resources-source"))
                // with the extractor, the chunk step sees the document versions too: a DiagnosticReport DELETE is
                // retracted here and must obey the same ingest-time rule as the extracted text it competes with
                .process(() -> new ChunkProcessor(chunker, metrics, documentsFromExtractor), Named.as("chunk-resource"),
                        withDocuments);
        KStream<String, Routed> results = chunked;
        if (documentsFromExtractor) {
            KStream<String, Routed> documents = builder
                    .stream(Topics.DOCUMENT_TEXT.name(),
                            Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("document-text-source"))
                    .process(() -> new DocumentProcessor(chunker, metrics), Named.as("chunk-document"),
                            withDocuments);
            results = results.merge(documents, Named.as("with-documents"));
        }
        // A MERGE's state transfer, and a retired patient's late records after it, keyed by the surviving key,
        // go through an internal topic to the task that owns the survivor. Its processor shares the stores, so
        // Streams puts it in the chunk step's sub-topology: the internal topic gets the input's partition count
        // and partition p of both is read by task p.
        KStream<String, Routed> absorbed = results
                .filter((key, value) -> toSurvivor(value), Named.as("merge-transfers"))
                .mapValues(ChunkerTopology::handoffJson, Named.as("merge-transfer-json"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName(MERGE_TRANSFER))
                .process(() -> new MergeTransferProcessor(chunker, metrics, documentsFromExtractor),
                        Named.as("absorb-merge-transfer"), withDocuments);
        results = results
                .filterNot((key, value) -> toSurvivor(value), Named.as("chunk-results"))
                .merge(absorbed, Named.as("all-results"));
        results.split(Named.as("route-"))
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
