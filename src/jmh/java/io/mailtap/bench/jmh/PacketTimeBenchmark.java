package io.mailtap.bench.jmh;

import io.mailtap.time.PacketTime;
import org.openjdk.jmh.annotations.*;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * One timestamp as the JSON writers format it per line: {@code javaTime} is the
 * {@link DateTimeFormatter} call the writers made before (the old {@code TransactionLogWriter.isoMicros}),
 * {@code intoBuffer} is {@link PacketTime#iso(long, char[], int)} into the writer's reused buffer,
 * {@code asString} the same made into a String (alerts, the summary).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PacketTimeBenchmark {
    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private final char[] buf = new char[PacketTime.ISO_MAX_LENGTH];
    private long ts = 1_764_882_459_123_456L;

    @Benchmark
    public String javaTime() {
        ts += 1_234_567;
        long secs = Math.floorDiv(ts, 1_000_000L);
        long micros = Math.floorMod(ts, 1_000_000L);
        return ISO_MICROS.format(Instant.ofEpochSecond(secs, micros * 1000L));
    }

    @Benchmark
    public int intoBuffer() {
        ts += 1_234_567;
        return PacketTime.iso(ts, buf, 0) + buf[20];
    }

    @Benchmark
    public String asString() {
        ts += 1_234_567;
        return PacketTime.iso(ts);
    }
}
