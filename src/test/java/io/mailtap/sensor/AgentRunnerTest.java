package io.mailtap.sensor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AgentRunnerTest {
    @Test
    void anAgentRunsOnItsNamedThreadUntilDoneAndIsClosedThere() {
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean closedOnItsThread = new AtomicBoolean();
        AgentRunner runner = new AgentRunner();
        AgentRunner.Running r = runner.start(new Agent() {
            @Override
            public String roleName() { return "mailtap-test-agent"; }

            @Override
            public int doWork() {
                assertThat(Thread.currentThread().getName()).isEqualTo("mailtap-test-agent");
                return calls.incrementAndGet() == 5 ? DONE : 1;
            }

            @Override
            public void onClose() {
                closedOnItsThread.set(Thread.currentThread().getName().equals("mailtap-test-agent"));
            }
        }, IdleStrategy.NONE);
        assertThat(r.join(Duration.ofSeconds(30))).isTrue();
        assertThat(calls.get()).isEqualTo(5);
        assertThat(r.loops()).isEqualTo(5);
        assertThat(closedOnItsThread).isTrue();
        assertThat(runner.errors()).isZero();
        assertThat(r.failure()).isNull();
    }

    /** A failing agent is counted (mailtap_agent_errors_total), ended, and still closed; the others run on. */
    @Test
    void aFailingAgentIsCountedEndedAndClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        AgentRunner runner = new AgentRunner();
        AgentRunner.Running bad = runner.start(new Agent() {
            @Override
            public String roleName() { return "mailtap-bad"; }

            @Override
            public int doWork() {
                throw new IllegalStateException("broken");
            }

            @Override
            public void onClose() {
                closed.set(true);
            }
        }, IdleStrategy.NONE);
        AgentRunner.Running idle = runner.start(new Agent() {
            @Override
            public String roleName() { return "mailtap-idle"; }

            @Override
            public int doWork() {
                return 0;
            }
        }, IdleStrategy.sleeping(Duration.ofMillis(1).toNanos()));
        assertThat(bad.join(Duration.ofSeconds(30))).isTrue();
        assertThat(bad.failure()).hasMessage("broken");
        assertThat(closed).isTrue();
        assertThat(runner.errors()).isEqualTo(1);
        assertThat(idle.isAlive()).isTrue();
        idle.stop(); // ends a sleeping agent at once
        assertThat(idle.join(Duration.ofSeconds(30))).isTrue();
        assertThat(idle.failure()).as("stopping is not a failure").isNull();
        assertThat(runner.errors()).isEqualTo(1);
    }
}
