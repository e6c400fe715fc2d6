package io.mailtap.sensor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs {@link Agent}s, each on its own named daemon thread (Agrona's {@code AgentRunner}, one
 * runner for all of a sensor's agents): the loop, its idling, progress for the health check,
 * a bounded join, and errors — an agent that throws is counted
 * ({@code mailtap_agent_errors_total}), logged (the first ten per runner in full) and ended, and its
 * {@link Agent#onClose()} still runs. Start, stop and join are written here once, for the live
 * sensor and a replay alike.
 */
final class AgentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);
    private final List<Running> running = new CopyOnWriteArrayList<>();
    private final AtomicLong errors = new AtomicLong();
    private final boolean logFailures;

    /** A runner that logs every agent failure (the live sensor). */
    AgentRunner() {
        this(true);
    }

    /**
     * @param logFailures false when the caller reports each failure itself (a replay ends with the
     *                    event consumer's reason as its one error line; a stack trace on stderr would
     *                    only repeat it)
     */
    AgentRunner(boolean logFailures) {
        this.logFailures = logFailures;
    }

    /** One agent's thread and its progress. */
    final class Running {
        private static final VarHandle LOOPS;

        static {
            try {
                LOOPS = MethodHandles.lookup().findVarHandle(Running.class, "loops", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Agent agent;
        private final IdleStrategy idle;
        private final Thread thread;
        private volatile boolean stop;
        private volatile Throwable failure;
        @SuppressWarnings("unused")
        private long loops; // opaque: a progress hint for the watchdog, not a synchronisation

        private Running(Agent agent, IdleStrategy idle) {
            this.agent = agent;
            this.idle = idle;
            this.thread = new Thread(this::loop, agent.roleName());
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, e) -> LOG.error("thread {} died", t.getName(), e));
        }

        private void loop() {
            try {
                agent.onStart();
                while (!stop) {
                    int work = agent.doWork();
                    LOOPS.setOpaque(this, (long) LOOPS.getOpaque(this) + 1);
                    if (work == Agent.DONE) break;
                    idle.idle(work);
                }
            } catch (InterruptedException e) {
                if (!stop) fail(e); // interrupted by someone other than stop(): a failure
            } catch (Throwable t) {
                fail(t);
            } finally {
                try {
                    agent.onClose();
                } catch (Throwable t) {
                    fail(t);
                }
            }
        }

        private void fail(Throwable t) {
            if (failure == null) failure = t;
            long n = errors.incrementAndGet();
            if (!logFailures) return;
            if (n <= 10) LOG.error("{} failed", agent.roleName(), t);
            else LOG.error("{} failed: {}", agent.roleName(), t.toString());
        }

        /** Asks the loop to end after the current piece of work and interrupts a wait. */
        void stop() {
            stop = true;
            thread.interrupt();
        }

        /** Waits at most {@code bound} for the agent's thread to end; true if it did. */
        boolean join(Duration bound) {
            try {
                thread.join(Math.max(1, bound.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return !thread.isAlive();
        }

        boolean isAlive() { return thread.isAlive(); }

        /** Loop iterations so far (a progress hint). */
        long loops() { return (long) LOOPS.getOpaque(this); }

        /** What ended the agent, or null. */
        Throwable failure() { return failure; }

        Thread thread() { return thread; }
    }

    /** Prepares {@code agent} on its own thread; {@link #start} starts it. */
    Running add(Agent agent, IdleStrategy idle) {
        Running r = new Running(agent, idle);
        running.add(r);
        return r;
    }

    /** Starts {@code r}'s thread (may throw OutOfMemoryError: unable to create native thread). */
    Running start(Running r) {
        r.thread.start();
        return r;
    }

    /** {@link #add} and {@link #start}. */
    Running start(Agent agent, IdleStrategy idle) {
        return start(add(agent, idle));
    }

    /** Agents that threw, since the runner was made. */
    long errors() { return errors.get(); }

    List<Running> agents() { return List.copyOf(running); }
}
