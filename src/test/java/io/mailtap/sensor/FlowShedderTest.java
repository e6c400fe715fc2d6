package io.mailtap.sensor;

import io.mailtap.detect.SmtpScript;
import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.smtp.SmtpEvent;
import org.junit.jupiter.api.Test;

import static io.mailtap.sensor.FlowShedder.Verdict.QUEUE;
import static io.mailtap.sensor.FlowShedder.Verdict.SHED;
import static io.mailtap.sensor.FlowShedder.Verdict.SHED_FIRST;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 9 item 5: one overloading flow is shed per flow before the shared queue stalls the workers. */
class FlowShedderTest {
    private static final int CAPACITY = 1000;
    private final SmtpScript wire = new SmtpScript(e -> { });
    private final Connection hostile = wire.conn("10.0.0.20", 40000, "10.0.0.5", 587, ClientBy.SYN);
    private final Connection ordinary = wire.conn("10.0.0.21", 40001, "10.0.0.5", 25, ClientBy.SYN);

    private static SmtpEvent rcpt(Connection c, int i) {
        return new SmtpEvent.Rcpt(c, 1L + i, "<u@d" + i + ".example>", null, 250, "ok", "<a@example.org>", "ws", "alice", false);
    }

    @Test
    void nothingIsShedWhileTheQueueHasRoom() {
        FlowShedder s = new FlowShedder();
        for (int i = 0; i < 10_000; i++) assertThat(s.judge(rcpt(hostile, i), CAPACITY / 4 + 1, CAPACITY)).isEqualTo(QUEUE);
        assertThat(s.shed()).isZero();
    }

    @Test
    void underPressureOnlyTheFlowThatMakesMostEventsIsShed() {
        FlowShedder s = new FlowShedder();
        int shed = 0, first = 0;
        for (int i = 0; i < 5_000; i++) {
            FlowShedder.Verdict v = s.judge(rcpt(hostile, i), CAPACITY / 10, CAPACITY);
            if (v == SHED) shed++;
            if (v == SHED_FIRST) first++;
            if (i % 10 == 0) {
                assertThat(s.judge(rcpt(ordinary, i), CAPACITY / 10, CAPACITY)).as("the ordinary flow").isEqualTo(QUEUE);
                // a stream of new light connections does not hide the heavy one
                Connection other = wire.conn("10.0.1." + (i % 250), 50000 + i % 1000, "10.0.0.5", 25, ClientBy.SYN);
                assertThat(s.judge(rcpt(other, i), CAPACITY / 10, CAPACITY)).isEqualTo(QUEUE);
            }
        }
        assertThat(first).as("announced once (log line and flow_shed anomaly)").isEqualTo(1);
        assertThat(shed + first).isEqualTo(s.shed()).isGreaterThan(4_900);
        // the hostile flow's own record still reaches the log
        SmtpEvent end = new SmtpEvent.ConnectionEnd(hostile, 9_999, ConnState.CLOSED, EndReason.FIN, true, false, false, null);
        assertThat(s.judge(end, CAPACITY / 10, CAPACITY)).isEqualTo(QUEUE);

        // pressure gone: the episode ends and the flow is queued again
        assertThat(s.judge(rcpt(hostile, 1), CAPACITY / 2 + 1, CAPACITY)).isEqualTo(QUEUE);
        assertThat(s.judge(rcpt(hostile, 2), CAPACITY / 10, CAPACITY)).isEqualTo(QUEUE);
    }
}
