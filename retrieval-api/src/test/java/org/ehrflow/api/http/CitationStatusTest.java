package org.ehrflow.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.ehrflow.api.store.CitationStore.Current;
import org.junit.jupiter.api.Test;

class CitationStatusTest {

    @Test
    void deletedSupersededEnteredInErrorCurrent() {
        assertThat(CitationEndpoint.status(null, "1")).isEqualTo("deleted");
        assertThat(CitationEndpoint.status(new Current(false, null, null), null)).isEqualTo("deleted");
        assertThat(CitationEndpoint.status(new Current(true, "2", "final"), "1")).isEqualTo("superseded");
        assertThat(CitationEndpoint.status(new Current(true, "2", "entered-in-error"), "2"))
                .isEqualTo("entered-in-error");
        assertThat(CitationEndpoint.status(new Current(true, "2", "final"), "2")).isEqualTo("current");
        // a citation without a version, or a store without one (aggregate chunk sources), is judged by existence
        assertThat(CitationEndpoint.status(new Current(true, "2", null), null)).isEqualTo("current");
        assertThat(CitationEndpoint.status(new Current(true, null, null), "1")).isEqualTo("current");
    }
}
