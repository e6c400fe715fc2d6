package io.mailtap.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.txlog.SafeJson;
import io.mailtap.time.PacketTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Receiver outages (a real HTTP server on 127.0.0.1 that answers 500, then hangs, then recovers):
 * notifications generated = delivered + counted drops, and zero drops while the spool has room.
 */
class SinkOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AsyncDelivery.Backoff FAST = new AsyncDelivery.Backoff(Duration.ofMillis(20), Duration.ofMillis(200));

    @TempDir
    Path spool;

    private static String ip(int i) { return "10.9." + (i / 250) + "." + (i % 250 + 1); }

    @Test
    void aWebhookOutageOf500sThenHangsLosesNothingUnderTheSpoolCapAndKeepsTheOrder() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        try (FakeReceiver hook = new FakeReceiver()) {
            hook.status(n -> down.get() ? 500 : 204);
            WebhookSink s = new WebhookSink(hook.url() + "/hook", "tok-abcdef", "s", Duration.ofMillis(300), 100, 2, FAST,
                    spool, 16L << 20);
            int generated = 0;
            for (; generated < 600; generated++) { // 500s
                s.publish(Alerts.firing(ip(generated)));
                if (generated % 50 == 0) Thread.sleep(20);
            }
            FakeReceiver.await("spooled", WAIT, () -> s.stats().spoolDepth.get() == 600);
            hook.delay(Duration.ofSeconds(2)); // then a receiver that hangs past the timeout
            for (; generated < 700; generated++) s.publish(Alerts.firing(ip(generated)));
            FakeReceiver.await("spooled while hanging", WAIT, () -> s.stats().spoolDepth.get() == 700);
            long failedBefore = s.stats().failedAttempts.get();
            FakeReceiver.await("a hanging attempt", WAIT, () -> s.stats().failedAttempts.get() > failedBefore);
            hook.delay(Duration.ZERO);
            down.set(false);
            FakeReceiver.await("all delivered", WAIT, () -> s.stats().delivered.get() == 700);
            s.close();

            SinkStats st = s.stats();
            assertThat(st.droppedQueueFull.get() + st.gaveUp.get() + st.droppedSpoolFull.get()).as("drops").isZero();
            assertThat(st.spooled.get()).isEqualTo(700);
            assertThat(st.spoolDepth.get()).isZero();
            // every notification reached the receiver once it answered, in the order generated
            List<String> srcs = new ArrayList<>();
            for (FakeReceiver.Request r : hook.requests()) {
                if (r.body().isEmpty()) continue;
                srcs.add(SafeJson.mapper().readTree(r.body()).get("src_ip").asText());
            }
            List<String> delivered = srcs.subList(srcs.size() - 700, srcs.size());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 700; i++) expected.add(ip(i));
            assertThat(delivered).containsExactlyElementsOf(expected);
            System.out.printf("webhook outage: %d generated, %d delivered, %d failed attempts, 0 dropped%n",
                    generated, st.delivered.get(), st.failedAttempts.get());
        }
        try (var files = Files.list(spool)) {
            assertThat(files.toList()).as("an empty spool leaves no file").isEmpty();
        }
    }

    @Test
    void aFullSpoolDropsAndCountsEveryNotificationBeyondItsCap() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        try (FakeReceiver hook = new FakeReceiver()) {
            hook.status(n -> down.get() ? 503 : 200);
            int one = JsonAlertLog.toJson(Alerts.firing(ip(0))).length() + 1;
            WebhookSink s = new WebhookSink(hook.url(), null, "s", Duration.ofMillis(300), 1000, 2, FAST, spool, 50L * one);
            for (int i = 0; i < 200; i++) s.publish(Alerts.firing(ip(i)));
            FakeReceiver.await("spool full", WAIT, () -> s.stats().spoolDepth.get() + s.stats().droppedSpoolFull.get() == 200);
            Path file;
            try (var files = Files.list(spool)) {
                file = files.findFirst().orElseThrow();
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
            down.set(false);
            FakeReceiver.await("spool drained", WAIT, () -> s.stats().spoolDepth.get() == 0);
            s.close();
            SinkStats st = s.stats();
            assertThat(st.droppedSpoolFull.get()).isBetween(149L, 151L);
            assertThat(st.delivered.get() + st.droppedSpoolFull.get() + st.gaveUp.get() + st.droppedQueueFull.get())
                    .as("generated = delivered + counted drops").isEqualTo(200);
        }
    }

    @Test
    void whatIsSpooledAtShutdownIsSentByTheNextSink() throws Exception {
        try (FakeReceiver hook = new FakeReceiver()) {
            String dead = "http://127.0.0.1:" + FakeReceiver.closedPort();
            WebhookSink first = new WebhookSink(dead, null, "s", Duration.ofMillis(300), 100, 2, FAST, spool, 1L << 20);
            for (int i = 0; i < 20; i++) first.publish(Alerts.firing(ip(i)));
            FakeReceiver.await("spooled", WAIT, () -> first.stats().spoolDepth.get() == 20);
            first.close();
            assertThat(first.stats().gaveUp.get()).isZero();

            WebhookSink next = new WebhookSink(hook.url(), null, "s", Duration.ofMillis(300), 100, 2, FAST, spool, 1L << 20);
            FakeReceiver.await("taken over and delivered", WAIT, () -> next.stats().delivered.get() == 20);
            next.close();
            assertThat(hook.requests()).hasSize(20);
        }
    }

    /** Fired and resolved while Alertmanager was down: the resolved state reaches it once it is back. */
    @Test
    void anAlertThatFiredAndResolvedDuringAnAlertmanagerOutageIsDeliveredResolved() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        try (FakeReceiver am = new FakeReceiver()) {
            am.status(n -> down.get() ? 503 : 200);
            AlertmanagerSink s = new AlertmanagerSink(List.of(am.url()), "s", Duration.ofMinutes(10), Duration.ofMillis(300),
                    100, 2, FAST, 100, Clock.systemUTC(), spool, 1L << 20);
            int generated = 0;
            for (int i = 0; i < 40; i++) {
                s.publish(Alerts.firing(ip(i)));
                s.publish(Alerts.resolved(ip(i)));
                generated += 2;
            }
            FakeReceiver.await("spooled", WAIT, () -> s.stats().spoolDepth.get() == 80);
            down.set(false);
            FakeReceiver.await("delivered", WAIT, () -> s.stats().delivered.get() == 80);
            s.close();
            assertThat(s.stats().gaveUp.get() + s.stats().droppedQueueFull.get() + s.stats().droppedSpoolFull.get()).isZero();
            assertThat(s.activeCount()).isZero();
            // the last word Alertmanager got about each alert is "resolved at last_seen + resolve_after"
            String resolvedAt = PacketTime.iso(Alerts.resolved(ip(0)).tsMicros());
            Set<String> resolved = new HashSet<>();
            for (FakeReceiver.Request r : am.requests()) {
                JsonNode arr = SafeJson.mapper().readTree(r.body());
                for (JsonNode a : arr) {
                    if (a.get("endsAt").asText().equals(resolvedAt)) resolved.add(a.get("labels").get("src_ip").asText());
                }
            }
            assertThat(resolved).hasSize(40);
            System.out.printf("alertmanager outage: %d generated, %d delivered, 0 dropped, %d resolved delivered%n",
                    generated, s.stats().delivered.get(), resolved.size());
        }
    }
}
