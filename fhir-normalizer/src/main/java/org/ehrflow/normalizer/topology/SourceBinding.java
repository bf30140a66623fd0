package org.ehrflow.normalizer.topology;

import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.TopicSpec;

/**
 * One ingress wired into the topology: its raw topic, expected content type, mapper, and (for stateful ingresses)
 * the names of its learned-links and pending stores.
 *
 * @param prefix       operator-name prefix ("hl7", "fhir", "cdc"); part of every node and store name
 * @param linksStore   null for a stateless ingress
 * @param pendingStore null for a stateless ingress
 */
public record SourceBinding(String prefix, TopicSpec<String, RawMessage> topic, RawMessage.ContentType contentType,
        SourceType sourceType, RawMapper mapper, String linksStore, String pendingStore) {

    public boolean stateful() {
        return linksStore != null;
    }
}
