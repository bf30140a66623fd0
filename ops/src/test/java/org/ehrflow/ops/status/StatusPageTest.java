package org.ehrflow.ops.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.ehrflow.ops.OpsSnapshot;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.slot.SlotLag;
import org.junit.jupiter.api.Test;

class StatusPageTest {

    @Test
    void pageHasLagDlqSlotAndAnInlineChartWithoutExternalResources() {
        String html = StatusPage.render(StatusFixtures.snapshot(), StatusFixtures.history(30));
        assertThat(html).contains("<svg").contains("<polyline").contains("ehr.raw.hl7v2.v1")
                .contains("HL7_PARSE_ERROR").contains("ehrflow_slot").contains("class=\"bad\"");
        // No network: nothing loaded from elsewhere, no scripts.
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");
    }

    @Test
    void namesAreEscaped() {
        OpsSnapshot s = new OpsSnapshot(Instant.EPOCH, List.of(new PartitionLag("<b>", "t", 0, 1, 1, 0, 0)),
                Map.of(), Map.of(), new SlotLag("s", false, false, 0, 0, -1), List.of("kafka"));
        assertThat(StatusPage.render(s, List.of())).contains("&lt;b&gt;").doesNotContain("<b>")
                .contains("collecting data").contains("not measured: kafka");
    }

    @Test
    void axisCeilingIsReadable() {
        assertThat(SvgChart.niceCeiling(0.7)).isEqualTo(1.0);
        assertThat(SvgChart.niceCeiling(13)).isEqualTo(20.0);
        assertThat(SvgChart.niceCeiling(430)).isEqualTo(500.0);
    }
}
