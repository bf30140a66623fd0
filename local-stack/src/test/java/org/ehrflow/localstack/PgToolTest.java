package org.ehrflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgToolTest {

    @Test
    void missingBinariesNameTheVariableAndTheSetupScript(@TempDir Path empty) {
        assertThatThrownBy(() -> PgTool.locate(Map.of(PgTool.PG_BIN_ENV, empty.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(PgTool.PG_BIN_ENV)
                .hasMessageContaining("scripts/setup.sh")
                .hasMessageContaining(empty.resolve("initdb").toString());
    }

    @Test
    void blankVariableFallsBackToTheDebianLocation() {
        // only meaningful where postgresql-15 is installed (scripts/setup.sh); elsewhere the error names the default
        if (Files.isExecutable(Path.of(PgTool.DEFAULT_PG_BIN, "initdb"))) {
            assertThat(PgTool.locate(Map.of(PgTool.PG_BIN_ENV, " ")).bin()).isEqualTo(Path.of(PgTool.DEFAULT_PG_BIN));
        } else {
            assertThatThrownBy(() -> PgTool.locate(Map.of())).hasMessageContaining(PgTool.DEFAULT_PG_BIN);
        }
    }
}
