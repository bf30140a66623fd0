package org.ehrflow.listener.ingest;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.ehrflow.hl7.MshHeader;
import org.ehrflow.listener.hl7.AckBuilder;
import org.ehrflow.listener.hl7.AckCode;
import org.ehrflow.listener.hl7.RejectReason;
import org.ehrflow.listener.intake.Hl7Intake;
import org.ehrflow.listener.mllp.FrameHandler;
import org.ehrflow.listener.publish.RawPublisher;
import org.ehrflow.runtime.DeadLetters;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each frame: accepted messages are sent to the raw topic and answered AA only once the broker has
 * acknowledged them (AE if that fails or misses the deadline); rejected ones are dead-lettered (awaited, best
 * effort) and answered AR. Work runs on {@code executor} because a send can block while the producer has no
 * metadata; every answer is bounded by the ACK deadline counted from the frame's arrival.
 */
public final class IngestHandler implements FrameHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);

    private final Hl7Intake intake;
    private final RawPublisher publisher;
    private final Executor executor;
    private final Duration deadline;
    private final Supplier<String> ackIds;
    private final Clock clock;
    private final ListenerMetrics metrics;

    public IngestHandler(Hl7Intake intake, RawPublisher publisher, Executor executor, Duration deadline,
            Supplier<String> ackIds, Clock clock, ListenerMetrics metrics) {
        this.intake = intake;
        this.publisher = publisher;
        this.executor = executor;
        this.deadline = deadline;
        this.ackIds = ackIds;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<byte[]> onFrame(byte[] payload) {
        return submit(payload, () -> intake.accept(payload, null));
    }

    @Override
    public CompletionStage<byte[]> onFrame(byte[] payload, String peer) {
        return submit(payload, () -> intake.accept(payload, peer));
    }

    @Override
    public CompletionStage<byte[]> onOversized(byte[] head) {
        return submit(head, () -> intake.oversized(head));
    }

    private CompletionStage<byte[]> submit(byte[] bytes, Supplier<Hl7Intake.Result> classify) {
        long start = System.nanoTime();
        metrics.received(bytes.length);
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    process(bytes, classify.get(), start).whenComplete((ack, err) -> {
                        if (err != null) {
                            reply.completeExceptionally(err);
                        } else {
                            reply.complete(ack);
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.error("intake failed: {}", e.getClass().getName());
                    reply.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Shutting down: AE makes the sender resend to the next instance.
            reply.complete(answer(null, AckCode.AE, RejectReason.BROKER_ERROR, start,
                    StandardCharsets.UTF_8));
        }
        return reply;
    }

    private CompletionStage<byte[]> process(byte[] original, Hl7Intake.Result result, long start) {
        long remaining = deadline.toNanos() - (System.nanoTime() - start);
        if (result instanceof Hl7Intake.Accepted a) {
            if (remaining <= 0) {
                return CompletableFuture.completedFuture(
                        answer(a.header(), AckCode.AE, RejectReason.BROKER_TIMEOUT, start, a.charset()));
            }
            return publisher.sendRaw(a.key(), a.message()).orTimeout(remaining, TimeUnit.NANOSECONDS)
                    .handle((md, err) -> {
                        if (err == null) {
                            LOG.debug("stored {} {} as {}-{}@{} key={}", a.header().messageType(),
                                    a.header().controlId(), md.topic(), md.partition(), md.offset(),
                                    LogSafe.hash(a.key()));
                            return answer(a.header(), AckCode.AA, null, start, a.charset());
                        }
                        Throwable cause = unwrap(err);
                        RejectReason r = cause instanceof TimeoutException
                                || cause instanceof org.apache.kafka.common.errors.TimeoutException
                                ? RejectReason.BROKER_TIMEOUT : RejectReason.BROKER_ERROR;
                        LOG.warn("not stored: {} {} msh10={} ({}), answering AE", a.header().messageType(),
                                r, a.header().controlId(), cause.getClass().getSimpleName());
                        return answer(a.header(), AckCode.AE, r, start, a.charset());
                    });
        }
        Hl7Intake.Rejected r = (Hl7Intake.Rejected) result;
        LOG.warn("rejected {} msh10={}", r.reason(), r.controlId());
        var dl = DeadLetters.atIngress(Topics.APP_HL7_LISTENER, r.reason().name(), null, r.controlId(), original);
        return publisher.sendDeadLetter(r.key(), dl).orTimeout(Math.max(remaining, 1), TimeUnit.NANOSECONDS)
                .handle((md, err) -> {
                    metrics.deadLetter(err == null);
                    if (err != null) {
                        LOG.error("dead letter for msh10={} not written ({})", r.controlId(),
                                unwrap(err).getClass().getSimpleName());
                    }
                    return answer(r.header(), AckCode.AR, r.reason(), start, r.charset());
                });
    }

    private byte[] answer(MshHeader h, AckCode code, RejectReason reason, long start, Charset cs) {
        String ack = AckBuilder.build(h, code, reason, ackIds.get(), clock.instant());
        metrics.acked(code, reason, Duration.ofNanos(System.nanoTime() - start));
        return ack.getBytes(cs);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException
                || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
