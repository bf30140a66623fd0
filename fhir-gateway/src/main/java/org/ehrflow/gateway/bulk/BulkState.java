package org.ehrflow.gateway.bulk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.ehrflow.schemas.Json;

/**
 * Where an export stands, persisted after every acknowledged batch so a restarted gateway resumes it: the status URL
 * of the export in progress, its files with the lines already acknowledged, and the {@code _since} of the next
 * incremental run. Written to a temporary file and renamed over the old one, so a crash leaves the old or the new
 * state, never a torn one.
 *
 * @param statusUrl       status URL of the export in progress (null: none)
 * @param transactionTime the manifest's transactionTime (the next run's {@code _since} once all files are in)
 * @param files           the manifest's output files, in manifest order
 * @param since           {@code _since} for the next kick-off (null: a full export)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BulkState(String statusUrl, String transactionTime, List<FileState> files, String since) {

    /** One output file: its URL, resource type and the number of lines the broker has acknowledged. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileState(String url, String type, long linesDone, boolean done) {
    }

    public BulkState {
        files = files == null ? List.of() : List.copyOf(files);
    }

    public static BulkState empty() {
        return new BulkState(null, null, List.of(), null);
    }

    public static BulkState load(Path file) throws IOException {
        return Files.exists(file) ? Json.MAPPER.readValue(file.toFile(), BulkState.class) : empty();
    }

    public void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, Json.MAPPER.writeValueAsBytes(this));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public BulkState withFile(int i, FileState f) {
        List<FileState> copy = new ArrayList<>(files);
        copy.set(i, f);
        return new BulkState(statusUrl, transactionTime, copy, since);
    }
}
