package org.ehrflow.chunker.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second half of a MERGE, in the task that owns the surviving patient (the internal topic is keyed by the
 * surviving key): merges the retired patient's state into the survivor's and forwards the sets that changed, and
 * chunks the retired patient's late records redirected behind it ({@link Redirected}) as the survivor's. Shares
 * the chunk step's stores, so both run in one sub-topology and the survivor's later records see the merged state.
 */
final class MergeTransferProcessor implements Processor<String, String, String, Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(MergeTransferProcessor.class);

    private final ResourceChunker chunker;
    private final ChunkerMetrics metrics;
    private final boolean documentsFromExtractor;
    private ProcessorContext<String, Routed> context;
    private Aggregator aggregator;
    private RecordStep records;
    private DocumentStep documents;

    MergeTransferProcessor(ResourceChunker chunker, ChunkerMetrics metrics, boolean documentsFromExtractor) {
        this.chunker = chunker;
        this.metrics = metrics;
        this.documentsFromExtractor = documentsFromExtractor;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.aggregator = new Aggregator(chunker, new PatientState(context));
        this.records = new RecordStep(chunker, metrics, context, documentsFromExtractor);
        this.documents = documentsFromExtractor ? new DocumentStep(chunker, metrics, context, records) : null;
    }

    @Override
    public void process(Record<String, String> record) {
        try {
            JsonNode value = Json.MAPPER.readTree(record.value());
            if (Redirected.isRedirect(value)) {
                redirected(Redirected.fromJson(value), record);
                return;
            }
            StateTransfer transfer = Json.MAPPER.treeToValue(value, StateTransfer.class);
            if (!transfer.survivorKey().equals(record.key())) {
                throw new IllegalArgumentException("transfer key differs from its surviving key");
            }
            for (ChunkSet set : aggregator.absorb(transfer)) {
                records.forward(new Routed.Out(set), record.timestamp());
            }
        } catch (KafkaException e) {
            throw e; // a store or broker fault: Streams retries or stops
        } catch (JsonProcessingException e) {
            deadLetter(record, new UncheckedIOException(e));
        } catch (RuntimeException e) {
            // Our own record, so a defect: keep its bytes in the DLQ (the state can be replayed from there)
            // rather than stop every partition of the app on it.
            deadLetter(record, e);
        }
    }

    private void redirected(Redirected r, Record<String, String> record) {
        if (!r.survivorKey().equals(record.key())) {
            throw new IllegalArgumentException("redirect key differs from its surviving key");
        }
        byte[] bytes = record.value().getBytes(StandardCharsets.UTF_8);
        if (r.record() != null) {
            records.handle(r.record(), r.hops(), bytes, record.timestamp());
        } else if (documents != null) {
            documents.handle(r.document(), r.hops(), bytes, record.timestamp());
        } else {
            throw new IllegalStateException("a redirected document reached a chunker without the extractor's input");
        }
    }

    private void deadLetter(Record<String, String> record, RuntimeException cause) {
        byte[] bytes = record.value() == null ? new byte[0] : record.value().getBytes(StandardCharsets.UTF_8);
        DeadLetter dl = DeadLetterRoute.forward(context, metrics, record.key(), bytes, record.timestamp(),
                ReasonCodes.MERGE_TRANSFER_ERROR, cause, null);
        LOG.error("dead-lettered merge transfer {}-{}@{} error={} patient={}", dl.sourceTopic(),
                dl.sourcePartition(), dl.sourceOffset(), dl.errorClass(), LogSafe.hash(record.key()));
    }
}
