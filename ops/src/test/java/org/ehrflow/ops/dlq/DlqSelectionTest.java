package org.ehrflow.ops.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.ehrflow.schemas.DeadLetter;
import org.junit.jupiter.api.Test;

class DlqSelectionTest {

    private static DlqEntry entry(int partition, long offset, String reason, String sourceTopic, String stage) {
        return new DlqEntry("ehr.dlq.x.v1", partition, offset, "k", reason, new DeadLetter(stage, reason, null,
                sourceTopic, sourceTopic == null ? -1 : 0, sourceTopic == null ? -1 : 5, null, Instant.EPOCH,
                new byte[] {1}));
    }

    @Test
    void filtersByReasonAndPosition() {
        List<DlqEntry> all = List.of(entry(0, 1, "AAA_X", "t", "s"), entry(0, 2, "BBB_Y", "t", "s"),
                entry(1, 1, "AAA_X", "t", "s"));
        assertThat(new DlqSelection("AAA_X", Set.of()).filter(all)).hasSize(2);
        assertThat(new DlqSelection(null, Set.of("1@1")).filter(all)).containsExactly(all.get(2));
        assertThat(new DlqSelection("BBB_Y", Set.of("ehr.dlq.x.v1-0@2")).filter(all)).containsExactly(all.get(1));
        assertThat(DlqSelection.all().filter(all)).hasSize(3);
    }

    @Test
    void replayTargetIsTheSourceTopicOrTheRawHl7TopicForListenerIngressRejects() {
        assertThat(DlqReplayer.target(entry(0, 1, "AAA_X", "ehr.raw.fhir.v1", "fhir-normalizer")))
                .isEqualTo("ehr.raw.fhir.v1");
        assertThat(DlqReplayer.target(entry(0, 1, "AAA_X", null, "hl7-listener"))).isEqualTo("ehr.raw.hl7v2.v1");
        assertThat(DlqReplayer.target(entry(0, 1, "AAA_X", null, "cdc-capture"))).isNull();
        assertThat(DlqReplayer.target(new DlqEntry("t", 0, 0, null, "UNDECODABLE", null))).isNull();
    }
}
