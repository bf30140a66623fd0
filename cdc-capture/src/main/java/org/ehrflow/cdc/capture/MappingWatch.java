package org.ehrflow.cdc.capture;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ehrflow.cdc.CdcConfig;
import org.ehrflow.cdcmap.CdcMapping;
import org.ehrflow.cdcmap.Problem;
import org.ehrflow.cdcmap.SchemaCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks the mapping file against the live catalog while capture runs, so a column dropped, renamed or
 * retyped under a running mapping is reported where operators look (gauge {@code ehrflow.cdc.mapping.problems},
 * a warning naming file, line, table and column when the set of problems changes) as well as by the
 * normaliser's {@code CDC_SCHEMA_DRIFT} dead letters for the rows it affects. Names only, never values.
 */
public final class MappingWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MappingWatch.class);

    private final CdcConfig config;
    private final CdcMapping mapping;
    private final ScheduledExecutorService timer;
    private volatile int problems;
    private List<Problem> last = List.of();

    private MappingWatch(CdcConfig config, CdcMapping mapping, MeterRegistry registry) {
        this.config = config;
        this.mapping = mapping;
        Gauge.builder("ehrflow.cdc.mapping.problems", this, w -> w.problems)
                .description("problems of the mapping file against the live schema (0 = it fits)").register(registry);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ehrflow-cdc-mapping-watch");
            t.setDaemon(true);
            return t;
        });
    }

    public static MappingWatch start(CdcConfig config, CdcMapping mapping, MeterRegistry registry, Duration every) {
        MappingWatch w = new MappingWatch(config, mapping, registry);
        w.timer.scheduleWithFixedDelay(w::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    private void checkQuietly() {
        try (Connection conn = SourceDb.connect(config)) {
            List<Problem> now = SchemaCheck.check(mapping,
                    LiveSchema.read(conn, config.engine(), mapping.schema()));
            problems = now.size();
            if (!now.equals(last)) {
                if (now.isEmpty()) {
                    LOG.info("CDC mapping {} fits the live schema again", mapping.file());
                } else {
                    LOG.warn("the live schema changed under the CDC mapping; rows of the affected tables go to the "
                            + "normaliser's DLQ (CDC_SCHEMA_DRIFT) until the mapping is fixed:\n{}", now);
                }
                last = now;
            }
        } catch (SQLException e) {
            // The slot monitor and the engine report an unreachable database; keep the last count.
            LOG.debug("mapping re-check skipped (SQLSTATE {})", e.getSQLState());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
