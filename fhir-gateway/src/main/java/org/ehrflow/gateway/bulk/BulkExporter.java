package org.ehrflow.gateway.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.gateway.ingest.NdjsonRecords;
import org.ehrflow.gateway.ingest.RawRecord;
import org.ehrflow.schemas.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Bulk Data {@code $export} client (FHIR Bulk Data Access IG, asynchronous request pattern): kick-off with
 * {@code Prefer: respond-async}, polling the status URL with {@code Retry-After} (else doubling back-off), then each
 * output file streamed line by line into the raw topic in batches. The state file is written after every
 * acknowledged batch: a restarted gateway resumes the same export at the first unacknowledged line, so no file is
 * skipped or read twice; at most the one batch in flight at the crash is produced again (downstream ids make that
 * an update). When every file is in, the manifest's {@code transactionTime} becomes the next run's {@code _since}.
 * Heap use is one batch, whatever the file size.
 */
public final class BulkExporter {

    private static final Logger LOG = LoggerFactory.getLogger(BulkExporter.class);

    /** Publishes one batch and returns once the broker acknowledged all of it. */
    public interface BatchSink {
        void publish(List<RawRecord> batch) throws Exception;
    }

    /** What one run did. */
    public record Progress(int files, long resources, long bytes, long skippedLines) {
    }

    /** The export failed for a reason that a later run may not fix by itself (message names no data). */
    public static final class BulkFailure extends Exception {
        public BulkFailure(String why) {
            super(why);
        }
    }

    private final HttpClient http;
    private final Duration maxWait;
    private final int batchSize;
    private final NdjsonRecords records;
    private final BatchSink sink;

    public BulkExporter(Duration timeout, Duration maxWait, int batchSize, NdjsonRecords records, BatchSink sink) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.maxWait = maxWait;
        this.batchSize = batchSize;
        this.records = records;
        this.sink = sink;
    }

    /** Runs (or resumes) one export of {@code job} to completion. */
    public Progress run(BulkJob job) throws Exception {
        BulkState state = BulkState.load(job.stateFile());
        if (state.statusUrl() == null) {
            state = new BulkState(kickOff(job, state.since()), null, List.of(), state.since());
            state.save(job.stateFile());
        }
        if (state.transactionTime() == null) {
            state = poll(job, state);
            state.save(job.stateFile());
        }
        long resources = 0;
        long bytes = 0;
        long skipped = 0;
        for (int i = 0; i < state.files().size(); i++) {
            BulkState.FileState f = state.files().get(i);
            if (f.done()) {
                continue;
            }
            long[] counts = new long[3];
            state = download(job, state, i, counts);
            resources += counts[0];
            bytes += counts[1];
            skipped += counts[2];
            LOG.info("bulk {}: file {}/{} ({}) in: {} lines acknowledged", job.name(), i + 1, state.files().size(),
                    f.type(),
                    state.files().get(i).linesDone());
        }
        String statusUrl = state.statusUrl();
        int files = state.files().size();
        // All files acknowledged: the next run is incremental from this export's transactionTime.
        state = new BulkState(null, null, List.of(), state.transactionTime());
        state.save(job.stateFile());
        deleteQuietly(job, statusUrl);
        return new Progress(files, resources, bytes, skipped);
    }

    private String kickOff(BulkJob job, String since) throws IOException, InterruptedException, BulkFailure {
        HttpResponse<Void> r = http.send(authorized(job, HttpRequest.newBuilder(URI.create(job.kickoffUrl(since))))
                .header("Accept", "application/fhir+json").header("Prefer", "respond-async").GET().build(),
                HttpResponse.BodyHandlers.discarding());
        Optional<String> location = r.headers().firstValue("Content-Location");
        if (r.statusCode() != 202 || location.isEmpty()) {
            throw new BulkFailure("kick-off answered " + r.statusCode() + (location.isEmpty()
                    ? " without Content-Location" : ""));
        }
        LOG.info("bulk {}: export started{}", job.name(), since == null ? " (full)" : " (_since)");
        return URI.create(job.kickoffUrl(since)).resolve(location.get()).toString();
    }

    private BulkState poll(BulkJob job, BulkState state) throws Exception {
        long deadline = System.nanoTime() + maxWait.toNanos();
        Duration backoff = Duration.ofSeconds(1);
        while (true) {
            HttpResponse<String> r = http.send(authorized(job, HttpRequest.newBuilder(URI.create(state.statusUrl())))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return withManifest(state, Json.MAPPER.readTree(r.body()));
            }
            if (r.statusCode() != 202 && r.statusCode() != 429 && r.statusCode() != 503) {
                // A failed export (4xx/5xx with an OperationOutcome): the next run kicks off anew.
                new BulkState(null, null, List.of(), state.since()).save(job.stateFile());
                throw new BulkFailure("export status answered " + r.statusCode());
            }
            Duration wait = retryAfter(r).orElse(backoff);
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
                    : backoff.multipliedBy(2);
            if (System.nanoTime() + wait.toNanos() > deadline) {
                throw new BulkFailure("export not complete within " + maxWait + "; resumes on the next run");
            }
            LOG.info("bulk {}: export in progress ({}), next poll in {}", job.name(),
                    r.headers().firstValue("X-Progress").map(p -> p.length() > 40 ? p.substring(0, 40) : p).orElse("-"),
                    wait);
            Thread.sleep(wait.toMillis());
        }
    }

    private static BulkState withManifest(BulkState state, JsonNode manifest) throws BulkFailure {
        String tt = manifest.path("transactionTime").asText("");
        if (tt.isEmpty() || !manifest.path("output").isArray()) {
            throw new BulkFailure("manifest without transactionTime or output");
        }
        List<BulkState.FileState> files = new ArrayList<>();
        for (JsonNode o : manifest.path("output")) {
            files.add(new BulkState.FileState(o.path("url").asText(), o.path("type").asText(), 0, false));
        }
        return new BulkState(state.statusUrl(), tt, files, state.since());
    }

    /** Streams file {@code i} from its first unacknowledged line; returns the state after its last batch. */
    private BulkState download(BulkJob job, BulkState state, int i, long[] counts) throws Exception {
        BulkState.FileState f = state.files().get(i);
        HttpResponse<InputStream> r = http.send(authorized(job, HttpRequest.newBuilder(URI.create(f.url())))
                .header("Accept", "application/fhir+ndjson").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new BulkFailure("output file answered " + r.statusCode());
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8), 1 << 16)) {
            long line = 0;
            List<RawRecord> batch = new ArrayList<>(batchSize);
            String text;
            while ((text = in.readLine()) != null) {
                line++;
                if (line <= f.linesDone()) {
                    continue; // acknowledged before the restart
                }
                counts[1] += text.length() + 1;
                if (!text.isBlank()) {
                    Optional<RawRecord> rec = records.of(text, job.name());
                    if (rec.isPresent()) {
                        batch.add(rec.get());
                    } else {
                        counts[2]++;
                    }
                }
                if (batch.size() >= batchSize) {
                    sink.publish(batch);
                    counts[0] += batch.size();
                    batch.clear();
                    state = state.withFile(i, new BulkState.FileState(f.url(), f.type(), line, false));
                    state.save(job.stateFile());
                }
            }
            sink.publish(batch);
            counts[0] += batch.size();
            state = state.withFile(i, new BulkState.FileState(f.url(), f.type(), line, true));
            state.save(job.stateFile());
            return state;
        }
    }

    private void deleteQuietly(BulkJob job, String statusUrl) {
        try {
            // (the token fetch may throw IOException too: the delete is a courtesy, its failure is ignored)
            http.send(authorized(job, HttpRequest.newBuilder(URI.create(statusUrl))).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            LOG.debug("bulk {}: status delete failed ({})", job.name(), e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpRequest.Builder authorized(BulkJob job, HttpRequest.Builder b)
            throws IOException, InterruptedException {
        String bearer = job.bearer();
        return bearer.isEmpty() ? b : b.header("Authorization", "Bearer " + bearer);
    }

    /** {@code Retry-After} in seconds (HTTP-dates are treated as absent: back-off applies). */
    private static Optional<Duration> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip()))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
