package org.ehrflow.normalizer.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.normalizer.mapping.cdc.CdcMapper;
import org.ehrflow.normalizer.mapping.fhir.FhirMapper;
import org.ehrflow.normalizer.mapping.hl7.Hl7v2Mapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.JsonSerde;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.TopicSpec;
import org.ehrflow.schemas.Topics;

/**
 * The normaliser's Streams graph: per ingress, source (raw bytes) -> normalise (map, learn links, park/release) ->
 * split into the normalised topic and the DLQ. Ingresses are separate sub-topologies; FHIR and CDC each own a
 * learned-links store and a pending store. Node and store names are stable: they name internal topics.
 */
public final class NormalizerTopology {

    public static final String FHIR_LINKS_STORE = "fhir-links";
    public static final String FHIR_PENDING_STORE = "fhir-pending";
    public static final String CDC_LINKS_STORE = "cdc-links";
    public static final String CDC_PENDING_STORE = "cdc-pending";

    private NormalizerTopology() {
    }

    public static Topology build(NormalizerConfig config, NormalizerMetrics metrics) {
        PatientKeyResolver resolver = config.patientKeyResolver();
        StreamsBuilder b = new StreamsBuilder();
        wire(b, new SourceBinding("hl7", Topics.RAW_HL7V2, RawMessage.ContentType.HL7V2_ER7, SourceType.HL7V2,
                new Hl7v2Mapper(resolver, config.hl7DefaultZone()), null, null), metrics);
        wire(b, new SourceBinding("fhir", Topics.RAW_FHIR, RawMessage.ContentType.FHIR_JSON, SourceType.FHIR,
                new FhirMapper(resolver), FHIR_LINKS_STORE, FHIR_PENDING_STORE), metrics);
        wire(b, new SourceBinding("cdc", Topics.RAW_CDC, RawMessage.ContentType.DEBEZIUM_JSON, SourceType.CDC,
                new CdcMapper(resolver, config.cdcMappingFile(), config.cdcMrnSystem(), config.cdcVisitAuthority(),
                        config.cdcSiteZone()), CDC_LINKS_STORE,
                CDC_PENDING_STORE), metrics);
        return b.build();
    }

    private static void wire(StreamsBuilder b, SourceBinding src, NormalizerMetrics metrics) {
        String[] stores = new String[0];
        if (src.stateful()) {
            b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(src.linksStore()),
                    Serdes.String(), Serdes.String()));
            b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(src.pendingStore()),
                    Serdes.String(), new JsonSerde<>(ParkedRecords.class)));
            stores = new String[] {src.linksStore(), src.pendingStore()};
        }
        KStream<String, Routed> routed = b
                .stream(src.topic().name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withName(src.prefix() + "-raw-source"))
                .process(() -> new NormalizeProcessor(src, metrics), Named.as(src.prefix() + "-normalize"), stores);
        TopicSpec<String, FhirRecord> out = Topics.FHIR_RESOURCES;
        TopicSpec<String, DeadLetter> dlq = Topics.dlq(Topics.APP_FHIR_NORMALIZER);
        routed.split(Named.as(src.prefix() + "-route-"))
                .branch((k, v) -> v instanceof Routed.Output, Branched.withConsumer(s -> s
                        .mapValues(v -> ((Routed.Output) v).record(), Named.as(src.prefix() + "-unwrap-record"))
                        .to(out.name(), Produced.with(out.keySerde(), out.valueSerde())
                                .withName(src.prefix() + "-fhir-sink")), "records"))
                .defaultBranch(Branched.withConsumer(s -> s
                        .mapValues(v -> ((Routed.Dead) v).letter(), Named.as(src.prefix() + "-unwrap-dead"))
                        .to(dlq.name(), Produced.with(dlq.keySerde(), dlq.valueSerde())
                                .withName(src.prefix() + "-dlq-sink")), "dead"));
    }
}
