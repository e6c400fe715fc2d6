package io.mailtap.txlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordFileTest {
    /** Record {@code i}: 100 bytes with the newline, its number inside. */
    static byte[] record(int i) {
        String s = String.format("{\"n\":%08d,\"pad\":\"%s\"}\n", i, "x".repeat(100 - 24));
        assertThat(s).hasSize(100);
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void assertWholeRecords(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        assertThat(all.length % 100).as("the file ends at a record boundary").isZero();
        if (all.length > 0) assertThat(all[all.length - 1]).isEqualTo((byte) '\n');
        for (String l : Files.readAllLines(file)) assertThat(l).matches("\\{\"n\":\\d{8},\"pad\":\"x{76}\"}");
    }

    @Test
    void aFullDiskLeavesNoCutLineKeepsWhatFitsInTheBufferAndResumesWhenSpaceReturns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.jsonl");
        SpaceLimitedChannel[] ch = new SpaceLimitedChannel[1];
        AtomicLong now = new AtomicLong();
        OutputStats stats = new OutputStats();
        RecordFile f = RecordFile.open(Output.SMTP, file, true, stats, SpaceLimitedChannel.opener(1050, ch), now::get);

        int generated = 0;
        for (; generated < 10; generated++) f.append(record(generated), 0, 100);
        assertThat(stats.failing()).isNull();
        f.append(record(generated++), 0, 100); // 1,000..1,100 crosses the 1,050-byte disk: a short write
        assertThat(stats.failing()).isEqualTo("No space left on device");
        assertWholeRecords(file);
        assertThat(Files.size(file)).as("the cut record was truncated away").isEqualTo(1000);

        // The outage: more records than the buffer holds.
        int buffered = RecordFile.LIVE_BUFFER_BYTES / 100;
        for (int i = 0; i < buffered + 500; i++) {
            f.append(record(generated++), 0, 100);
            if (i % 1000 == 0) now.addAndGet(RecordFile.RETRY_MAX_NANOS); // retries, back-off permitting
        }
        assertWholeRecords(file);
        assertThat(Files.size(file)).isEqualTo(1000);
        assertThat(stats.lost.get()).as("what did not fit in the buffer").isEqualTo(generated - 10 - buffered);
        assertThat(ch[0].failedWrites).as("retried with back-off, not on every record").isBetween(2, 20);
        assertThat(stats.writeErrors.get()).isEqualTo(ch[0].failedWrites);

        // Space returns: the next record after the back-off writes the buffer and itself.
        ch[0].limit = Long.MAX_VALUE;
        f.append(record(generated++), 0, 100);
        assertThat(stats.failing()).as("no retry before the back-off has passed").isNotNull();
        now.addAndGet(RecordFile.RETRY_MAX_NANOS);
        f.append(record(generated++), 0, 100);
        assertThat(stats.failing()).isNull();
        f.close();

        assertWholeRecords(file);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.size() + stats.lost.get()).as("generated = written + counted lost").isEqualTo(generated);
        assertThat(stats.written.get()).isEqualTo(lines.size());
        // The records kept are the first ones of the outage, in order, then the two after it.
        assertThat(lines.get(10)).contains("\"n\":00000010");
        assertThat(lines.get(lines.size() - 1)).contains(String.format("\"n\":%08d", generated - 1));
    }

    @Test
    void aReplayFailsAtTheFirstFailedWriteAndTruncatesToTheLastWholeRecord(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.jsonl");
        SpaceLimitedChannel[] ch = new SpaceLimitedChannel[1];
        OutputStats stats = new OutputStats();
        RecordFile f = RecordFile.open(Output.SMTP, file, false, stats, SpaceLimitedChannel.opener(100_050, ch), System::nanoTime);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100_000; i++) f.append(record(i), 0, 100);
        }).isInstanceOf(UncheckedIOException.class).hasMessageContaining("No space left on device")
                .hasMessageContaining(file.toString());
        assertWholeRecords(file);
        assertThat(Files.size(file)).isLessThanOrEqualTo(100_000);
        assertThat(ch[0].failedWrites).isLessThanOrEqualTo(1);
    }

    @Test
    void newFilesAreCreated0640(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/alerts.jsonl");
        try (RecordFile f = RecordFile.open(Output.ALERTS, file, true, new OutputStats())) {
            f.append(record(1), 0, 100);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    }

    @Test
    void aLiveFileIsAppendedToAndAReplayFileStartsAfresh(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.jsonl");
        for (int run = 0; run < 2; run++) {
            try (RecordFile f = RecordFile.open(Output.SMTP, file, true, new OutputStats())) {
                f.append(record(run), 0, 100);
            }
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
        try (RecordFile f = RecordFile.open(Output.SMTP, file, false, new OutputStats())) {
            f.append(record(9), 0, 100);
        }
        assertThat(Files.readAllLines(file)).hasSize(1);
    }
}
