package io.mailtap.sensor;

import io.mailtap.alert.SinkSpec;
import io.mailtap.alert.Sinks;
import io.mailtap.config.MailtapConfig;
import io.mailtap.settings.Leaf;
import io.mailtap.settings.Reload;
import io.mailtap.settings.Section;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a reloaded configuration changes for a running sensor, computed by walking the schema's
 * {@link Reload live/restart} attributes (each leaf declares its own, in the stage that reads it).
 *
 * <p><b>Live</b> (taken between two events, flow state untouched): the sensor's name and site on
 * alerts, {@code network.*}, {@code smtp.policy_ports}, {@code detect.*}, {@code alerts.*} but the
 * spool. Open alerts stay open and every rule whose own settings did not change keeps its state; a
 * rule switched off has its open alerts resolved; only the sinks whose settings changed are
 * rebuilt: the alert log when {@code alerts.log.path} changed, the sinks of {@link Sinks#ALL} when
 * their section or {@code sensor.name} changed.
 *
 * <p><b>Restart</b> (the running value is kept and the key is logged): everything built once — the
 * capture handle, filter, threads and rings, the SMTP ports and limits, the flow tables (rebuilding
 * them would lose every open connection), the metrics endpoint, the outputs and the spool — and
 * the {@code sensor}/{@code site} labels of the metrics. A group declared as one key (a secret with
 * its file, a pair) is named by its section, so a name never shows a secret.
 *
 * @param detectionChanged  a live detection or alert setting changed
 * @param alertSinksChanged the sinks of {@link Sinks#ALL} must be rebuilt
 * @param needsRestart      keys whose new value only a restart applies, sorted (names only: values may be secrets)
 */
record ReloadPlan(boolean detectionChanged, boolean alertSinksChanged, List<String> needsRestart) {

    ReloadPlan(boolean detectionChanged, List<String> needsRestart) {
        this(detectionChanged, false, needsRestart);
    }

    /** Every sink is built with the sensor's name besides its own section. */
    private static final String SINK_SHARED_KEY = "sensor.name";

    /**
     * @param started the configuration the sensor started with (what restart-only keys still run with)
     * @param applied the configuration whose live parts are in effect now
     * @param next    the configuration just loaded
     */
    static ReloadPlan of(MailtapConfig started, MailtapConfig applied, MailtapConfig next) {
        Section root = MailtapConfig.schema();
        TreeSet<String> restart = new TreeSet<>();
        boolean live = false, sinks = false;
        for (Map.Entry<String, Leaf> e : root.leaves().entrySet()) {
            String key = e.getKey();
            Leaf leaf = e.getValue();
            if (leaf.reload() == Reload.RESTART) {
                if (changed(key, started, next)) restart.add(root.reportedName(key));
                continue;
            }
            if (leaf.restartPart() != null && changed(key, started, next)) restart.add(key + " " + leaf.restartPart());
            if (changed(key, applied, next)) {
                live = true;
                if (key.equals(SINK_SHARED_KEY) || sinkKey(key)) sinks = true;
            }
        }
        return new ReloadPlan(live, sinks, List.copyOf(new ArrayList<>(restart)));
    }

    private static boolean sinkKey(String key) {
        for (SinkSpec s : Sinks.ALL) if (key.startsWith(s.path() + ".")) return true;
        return false;
    }

    private static boolean changed(String key, MailtapConfig a, MailtapConfig b) {
        return !Objects.equals(a.view().get(key), b.view().get(key));
    }
}
