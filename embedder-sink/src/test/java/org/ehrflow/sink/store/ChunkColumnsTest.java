package org.ehrflow.sink.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statements generated from the one column description. */
class ChunkColumnsTest {

    @Test
    void theUpsertOverwritesEveryColumnButTheKeyAndTheInsertIsItsPrefix() {
        String insert = ChunkColumns.insert(ChunkColumns.of(false));
        String upsert = ChunkColumns.upsert(ChunkColumns.of(false));
        assertThat(upsert).startsWith(insert + " ON CONFLICT (patient_key, chunk_id) DO UPDATE SET ");
        assertThat(upsert).contains("embedding = EXCLUDED.embedding", "indexed_at = EXCLUDED.indexed_at")
                .doesNotContain("patient_key = EXCLUDED", "chunk_id = EXCLUDED", "next_model_name");
        assertThat(insert).endsWith("?, clock_timestamp())");
        assertThat(parameters(insert)).isEqualTo(33);
    }

    @Test
    void dualWritesAppendTheShadowColumnsAfterTheBaseOnes() {
        List<ChunkColumns.Column> dual = ChunkColumns.of(true);
        assertThat(dual.subList(0, ChunkColumns.BASE.size())).isEqualTo(ChunkColumns.BASE);
        String upsert = ChunkColumns.upsert(dual);
        assertThat(parameters(ChunkColumns.insert(dual))).isEqualTo(36);
        assertThat(upsert).contains("indexed_at, next_model_name, next_content_hash, next_embedding)",
                "next_embedding = EXCLUDED.next_embedding");
    }

    private static long parameters(String sql) {
        return sql.chars().filter(ch -> ch == '?').count();
    }
}
