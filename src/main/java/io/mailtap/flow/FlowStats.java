package io.mailtap.flow;

/** Counters of the flow stage (being written). */
public final class FlowStats {
}
