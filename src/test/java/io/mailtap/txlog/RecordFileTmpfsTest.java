package io.mailtap.txlog;

import io.mailtap.testutil.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The disk-full case on a real 256 KiB tmpfs, given back as 64 MiB (root only). */
@EnabledIf("io.mailtap.testutil.Tmpfs#usable")
class RecordFileTmpfsTest {
    @Test
    void aRealFullDiskThenSpaceBack(@TempDir Path dir) throws Exception {
        try (Tmpfs fs = Tmpfs.mount(dir, "256k")) {
            Path file = fs.dir().resolve("smtp.jsonl");
            AtomicLong now = new AtomicLong();
            OutputStats stats = new OutputStats();
            RecordFile f = RecordFile.open(Output.SMTP, file, true, stats, java.nio.channels.FileChannel::open, now::get);
            int generated = 0;
            // 2.5 MB of records into 256 KiB: the first ~2,600 fit, ~10,500 more wait in the buffer, the rest are lost.
            for (; generated < 25_000; generated++) {
                f.append(RecordFileTest.record(generated), 0, 100);
                if (generated % 1000 == 0) now.addAndGet(RecordFile.RETRY_MAX_NANOS);
            }
            assertThat(stats.failing()).contains("No space left on device");
            RecordFileTest.assertWholeRecords(file);
            long onDiskDuringOutage = Files.size(file) / 100;
            assertThat(onDiskDuringOutage).isBetween(2000L, 2621L);

            fs.resize("64m");
            now.addAndGet(RecordFile.RETRY_MAX_NANOS);
            for (int i = 0; i < 1000; i++) f.append(RecordFileTest.record(generated++), 0, 100);
            assertThat(stats.failing()).isNull();
            f.close();

            RecordFileTest.assertWholeRecords(file);
            long lines = Files.size(file) / 100;
            assertThat(lines + stats.lost.get()).as("generated = written + counted lost").isEqualTo(generated);
            assertThat(lines).isEqualTo(stats.written.get());
            assertThat(stats.lost.get()).isEqualTo(25_000 - onDiskDuringOutage - RecordFile.LIVE_BUFFER_BYTES / 100);
            System.out.printf("tmpfs 256k: %d generated, %d on disk during the outage, %d written, %d lost%n",
                    generated, onDiskDuringOutage, lines, stats.lost.get());
        }
    }
}
