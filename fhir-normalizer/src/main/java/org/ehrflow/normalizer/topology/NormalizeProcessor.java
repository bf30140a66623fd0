package org.ehrflow.normalizer.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deserialises raw bytes, maps them, and emits FHIR records keyed by patient key (provenance completed with the
 * raw topic/partition/offset) or a dead letter with the original bytes. Stateful ingresses remember learned links
 * and park records that wait for one, releasing them when a later record of the same partition teaches it.
 */
final class NormalizeProcessor implements Processor<String, byte[], String, Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(NormalizeProcessor.class);
    /** Between a link key and a parked record's offset: no link key contains it. */
    static final char PARK_SEPARATOR = '\u0000';

    private final SourceBinding source;
    private final NormalizerMetrics metrics;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, String> links;
    private KeyValueStore<String, ParkedRecords> pending;
    private LinkLookup lookup = LinkLookup.NONE;

    NormalizeProcessor(SourceBinding source, NormalizerMetrics metrics) {
        this.source = source;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> ctx) {
        this.context = ctx;
        if (source.stateful()) {
            links = ctx.getStateStore(source.linksStore());
            pending = ctx.getStateStore(source.pendingStore());
            lookup = key -> Optional.ofNullable(links.get(key));
        }
    }

    @Override
    public void process(Record<String, byte[]> rec) {
        RecordMetadata md = context.recordMetadata().orElseThrow();
        metrics.in(source.sourceType());
        handle(new ParkedRecords.Parked(rec.key(), md.topic(), md.partition(), md.offset(), rec.value()), rec);
    }

    private void handle(ParkedRecords.Parked in, Record<String, byte[]> current) {
        byte[] bytes = in.value() == null ? new byte[0] : in.value();
        RawMessage raw;
        try {
            raw = source.topic().valueSerde().deserializer().deserialize(in.topic(), bytes);
        } catch (SerializationException e) {
            dead(in, current, ReasonCodes.RAW_DESERIALIZATION_ERROR, e.getClass().getSimpleName(), null);
            return;
        }
        if (raw == null) {
            dead(in, current, ReasonCodes.RAW_DESERIALIZATION_ERROR, null, null);
            return;
        }
        if (raw.contentType() != source.contentType()) {
            dead(in, current, ReasonCodes.UNEXPECTED_CONTENT_TYPE, null, raw.provenance().sourceMessageId());
            return;
        }
        MappingResult result;
        try {
            result = source.mapper().map(in.rawKey(), raw, lookup);
        } catch (RuntimeException e) {
            // A mapper bug or an input that breaks an assumption: poison for this record only.
            result = new MappingResult.Rejected(ReasonCodes.MAPPING_ERROR, e.getClass().getSimpleName());
        }
        if (result instanceof MappingResult.Mapped m) {
            emit(in, current, m);
        } else if (result instanceof MappingResult.Rejected r) {
            dead(in, current, r.reasonCode(), r.errorClass(), raw.provenance().sourceMessageId());
        } else if (result instanceof MappingResult.AwaitingLink a) {
            park(in, a.linkKey(), current, raw);
        }
    }

    private void emit(ParkedRecords.Parked in, Record<String, byte[]> current, MappingResult.Mapped m) {
        for (FhirRecord r : m.records()) {
            FhirRecord positioned = new FhirRecord(r.patientKey(), r.op(), r.resourceType(), r.resourceId(),
                    r.versionId(), r.encounterId(), r.resourceJson(),
                    r.provenance().withRawPosition(in.topic(), in.partition(), in.offset()), r.targetPatientKey());
            context.forward(new Record<String, Routed>(r.patientKey(), new Routed.Output(positioned),
                    current.timestamp(), new RecordHeaders()));
            metrics.out(source.sourceType(), r.resourceType(), r.op().name());
        }
        m.skipped().forEach((type, n) -> metrics.skipped(source.sourceType(), type, n));
        m.unmapped().forEach((segment, n) -> metrics.unmapped(source.sourceType(), segment, n));
        if (source.stateful()) {
            for (Map.Entry<String, String> l : m.learned().entrySet()) {
                links.put(l.getKey(), l.getValue());
            }
            m.learned().keySet().forEach(k -> release(k, current));
        }
    }

    private void park(ParkedRecords.Parked in, String linkKey, Record<String, byte[]> current, RawMessage raw) {
        if (!source.stateful()) {
            dead(in, current, ReasonCodes.MAPPING_ERROR, null, raw.provenance().sourceMessageId());
            return;
        }
        pending.put(parkedKey(linkKey, in), new ParkedRecords(List.of(in)));
        metrics.parked(source.sourceType());
        LOG.debug("parked {}-{}@{} until a link of kind {} is learned", in.topic(), in.partition(), in.offset(),
                linkKey.substring(0, linkKey.indexOf(':') + 1));
    }

    /**
     * The pending-store key of one parked record: its link, then its input offset, so a link's records sort in
     * arrival order. One entry per record, never a growing list under the link: every store write is a changelog
     * record, and a list of thousands (a bulk export whose Patients come last) outgrew the broker's 1 MB limit and
     * stopped the stream thread. A task reads one partition of its source topic, so offsets are unique here.
     */
    static String parkedKey(String linkKey, ParkedRecords.Parked in) {
        return linkKey + PARK_SEPARATOR + String.format(Locale.ROOT, "%020d", in.offset());
    }

    private void release(String linkKey, Record<String, byte[]> current) {
        List<ParkedRecords.Parked> waiting = new ArrayList<>();
        // A list under the bare link key was written before one-entry-per-record; it is older than any entry.
        ParkedRecords legacy = pending.get(linkKey);
        if (legacy != null) {
            waiting.addAll(legacy.records());
            pending.delete(linkKey);
        }
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, ParkedRecords> it = pending.range(linkKey + PARK_SEPARATOR,
                linkKey + (char) (PARK_SEPARATOR + 1))) {
            it.forEachRemaining(kv -> {
                keys.add(kv.key);
                waiting.addAll(kv.value.records());
            });
        }
        keys.forEach(pending::delete); // before handling: a released record may park again under the same link
        for (ParkedRecords.Parked p : waiting) {
            metrics.released(source.sourceType());
            handle(p, current);
        }
    }

    private void dead(ParkedRecords.Parked in, Record<String, byte[]> current, String reason, String errorClass,
            String messageId) {
        DeadLetter base = DeadLetters.of(Topics.APP_FHIR_NORMALIZER, reason, null, in.topic(), in.partition(),
                in.offset(), messageId, in.value());
        DeadLetter dl = errorClass == null ? base : new DeadLetter(base.stage(), base.reasonCode(), errorClass,
                base.sourceTopic(), base.sourcePartition(), base.sourceOffset(), base.sourceMessageId(),
                base.failedAt(), base.original());
        context.forward(new Record<String, Routed>(in.rawKey(), new Routed.Dead(dl), current.timestamp(),
                DeadLetters.headers(dl)));
        metrics.dlq(source.sourceType(), reason);
        LOG.warn("dead-lettered {}-{}@{} reason {} ({})", in.topic(), in.partition(), in.offset(), reason,
                errorClass == null ? "-" : errorClass);
    }
}
