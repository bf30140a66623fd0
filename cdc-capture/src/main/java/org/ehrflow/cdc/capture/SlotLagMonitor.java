package org.ehrflow.cdc.capture;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ehrflow.cdc.CdcConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the replication slot as the capture role every few seconds and publishes
 * {@code ehrflow.cdc.slot.lag.bytes}, {@code ehrflow.cdc.slot.lag.seconds} and {@code ehrflow.cdc.slot.active}
 * (NaN until the first sample or while the slot is missing): the numbers to alert on before WAL fills a disk.
 */
public final class SlotLagMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotLagMonitor.class);

    private final CdcConfig config;
    private final Clock clock;
    private final SlotLag lag = new SlotLag();
    private final ScheduledExecutorService timer;
    private volatile boolean present;
    private volatile boolean active;
    private Connection conn;

    private SlotLagMonitor(CdcConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.clock = clock;
        Gauge.builder("ehrflow.cdc.slot.lag.bytes", this, m -> m.present ? m.lag.bytes() : Double.NaN)
                .baseUnit("bytes").description("WAL the slot still holds: current LSN - confirmed_flush_lsn")
                .register(registry);
        Gauge.builder("ehrflow.cdc.slot.lag.seconds", this, m -> m.present ? m.lag.seconds() : Double.NaN)
                .baseUnit("seconds").description("how long ago the WAL first stood past confirmed_flush_lsn")
                .register(registry);
        Gauge.builder("ehrflow.cdc.slot.active", this, m -> m.present ? (m.active ? 1 : 0) : Double.NaN)
                .description("1 while a walsender streams from the slot").register(registry);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ehrflow-cdc-slot-monitor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sampling every {@code interval}. */
    public static SlotLagMonitor start(CdcConfig config, MeterRegistry registry, Duration interval) {
        SlotLagMonitor m = new SlotLagMonitor(config, registry, Clock.systemUTC());
        m.timer.scheduleWithFixedDelay(m::sampleQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return m;
    }

    /** One sample now (tests call it directly); false if the database could not be read. */
    public synchronized boolean sample() {
        try {
            if (conn == null || conn.isClosed()) {
                conn = SourceDb.connect(config);
            }
            Optional<org.ehrflow.runtime.slot.SlotLag.Position> p =
                    org.ehrflow.runtime.slot.SlotLag.read(conn, config.slotName());
            present = p.isPresent();
            if (present) {
                active = p.get().active();
                lag.observe(clock.instant(), p.get().walLsn(), p.get().confirmedLsn());
            }
            return true;
        } catch (SQLException e) {
            LOG.warn("slot lag sample failed (SQLSTATE {})", e.getSQLState());
            closeConnection();
            return false;
        }
    }

    private void sampleQuietly() {
        sample();
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        closeConnection();
    }

    private void closeConnection() {
        try {
            if (conn != null) {
                conn.close();
            }
        } catch (SQLException e) {
            // Going away anyway.
        }
        conn = null;
    }
}
