package io.mailtap.sensor;

import io.mailtap.smtp.SmtpCounter;
import io.mailtap.decode.DecodeCounter;
import io.mailtap.flow.FlowSettings;
import io.mailtap.smtp.SmtpSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PacketPipelineTest {
    @Test
    void aStageThatFailsOnEveryEventCannotStopTheReplay() {
        AtomicLong calls = new AtomicLong();
        PacketPipeline p = new PacketPipeline(FlowSettings.defaults(), SmtpSettings.defaults(), e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a consumer bug");
        });
        FileReplayer.Result r = FileReplayer.replay(Path.of("samples/incident-2-null-sender.pcap"), null, p);
        p.finish();

        assertThat(r.error()).isNull();
        assertThat(r.packets()).isEqualTo(1344);
        assertThat(p.decodeStats().get(DecodeCounter.FRAMES)).as("every frame went through").isEqualTo(1344);
        assertThat(calls.get()).as("events kept coming after failures").isGreaterThan(100);
        assertThat(p.internalErrors() + p.smtpStats().get(SmtpCounter.INTERNAL_ERRORS)).as("the failures are counted").isPositive();
    }
}
