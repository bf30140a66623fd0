package org.ehrflow.sink.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ehrflow.embedding.ModelVariant;
import org.junit.jupiter.api.Test;

class ReindexCliTest {

    @Test
    void parsesCommandsAndOptions() {
        ReindexCli.Args a = ReindexCli.Args.parse("run", "--model", "fp32", "--page", "64", "--catch-up", "200",
                "--passes", "3");
        assertThat(a).isEqualTo(new ReindexCli.Args("run", ModelVariant.FP32, 64, 200, 3));
        assertThat(ReindexCli.Args.parse("status")).isEqualTo(new ReindexCli.Args("status", null, 128, 1000, 5));
    }

    @Test
    void refusesWhatItCannotRun() {
        assertThatThrownBy(() -> ReindexCli.Args.parse()).hasMessageContaining("no command");
        assertThatThrownBy(() -> ReindexCli.Args.parse("switch")).hasMessageContaining("switch needs --model");
        assertThatThrownBy(() -> ReindexCli.Args.parse("drop")).hasMessageContaining("unknown command drop");
        assertThatThrownBy(() -> ReindexCli.Args.parse("run",
                "--model")).hasMessageContaining("Missing required parameter for option '--model'");
        assertThatThrownBy(() -> ReindexCli.Args.parse("run", "--model", "int8", "--page", "0"))
                .hasMessageContaining("--page must be positive");
        assertThatThrownBy(() -> ReindexCli.Args.parse("run", "--model", "int8", "--force", "1"))
                .hasMessageContaining("'--force'").hasMessageStartingWith("Unknown option");
    }
}
