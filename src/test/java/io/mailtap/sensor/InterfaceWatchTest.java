package io.mailtap.sensor;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The interface watch over a fake /sys/class/net: one line per transition, whatever the polling rate. */
class InterfaceWatchTest {
    @TempDir
    Path sys;

    private void state(String flags, String oper) throws IOException {
        Path d = Files.createDirectories(sys.resolve("eth9"));
        Files.writeString(d.resolve("flags"), flags + "\n");
        Files.writeString(d.resolve("operstate"), oper + "\n");
    }

    @Test
    void saysOnceWhenTheInterfaceGoesDownIsRemovedAndComesBack() throws IOException {
        Logger log = (Logger) LoggerFactory.getLogger(InterfaceWatch.class);
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        log.addAppender(app);
        try {
            state("0x1003", "up");
            InterfaceWatch w = new InterfaceWatch("eth9", sys, 1);
            assertThat(w.watchable()).isTrue();
            assertThat(w.check()).isNull();
            state("0x1002", "down");
            assertThat(w.check()).isEqualTo("set down");
            assertThat(w.check()).isEqualTo("set down");
            assertThat(w.up()).isFalse();
            state("0x1003", "up");
            assertThat(w.check()).isNull();
            state("0x1003", "lowerlayerdown"); // the peer of a veth, or the cable, went away
            assertThat(w.check()).isEqualTo("link lowerlayerdown");
            state("0x1003", "unknown"); // lo and many virtual devices while working
            assertThat(w.check()).isNull();
            Files.delete(sys.resolve("eth9/flags"));
            Files.delete(sys.resolve("eth9/operstate"));
            Files.delete(sys.resolve("eth9"));
            assertThat(w.check()).isEqualTo("removed");
            List<String> lines = app.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
            assertThat(lines).containsExactly(
                    "WARN capture interface 'eth9' went away (set down): no packets can be captured until it is back",
                    "INFO capture interface 'eth9' is back up (was set down): capturing again",
                    "WARN capture interface 'eth9' went away (link lowerlayerdown): no packets can be captured until it is back",
                    "INFO capture interface 'eth9' is back up (was link lowerlayerdown): capturing again",
                    "WARN capture interface 'eth9' went away (removed): no packets can be captured until it is back");
        } finally {
            log.detachAppender(app);
        }
    }
}
