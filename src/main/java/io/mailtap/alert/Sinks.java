package io.mailtap.alert;

import java.util.List;

/**
 * Every alert sink besides the JSON alert log, in config order: the one list a new sink is added
 * to. The config schema's sink sections and the live sensor's sinks are derived from it.
 */
public final class Sinks {
    private Sinks() {}

    public static final List<SinkSpec> ALL = List.of(AlertmanagerSink.SPEC, WebhookSink.SPEC);
}
