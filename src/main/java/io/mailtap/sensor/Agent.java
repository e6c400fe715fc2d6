package io.mailtap.sensor;

/**
 * One job of the runtime, run in a loop on its own thread by {@link AgentRunner} (Agrona's
 * {@code Agent}): the capture, each worker, the event consumers, the health check. An agent does
 * a bounded piece of work per call and says how much; the runner idles it when it did nothing.
 */
interface Agent {
    /** Returned by {@link #doWork()} when the agent has finished (its input ended). */
    int DONE = -1;

    /** Thread name ({@code mailtap-...}). */
    String roleName();

    /** On the agent's thread, before the first {@link #doWork()}. */
    default void onStart() {}

    /**
     * One piece of work.
     *
     * @return work done (0: idle, the runner idles), or {@link #DONE}
     * @throws Exception a failure: counted and logged by the runner, and the agent ends
     */
    int doWork() throws Exception;

    /** On the agent's thread, after it finished, failed or was stopped: release what it owns. */
    default void onClose() {}
}
