package io.mailtap.cli;

import io.mailtap.config.MailtapConfig;
import io.mailtap.sensor.LiveSensor;
import io.mailtap.sensor.Preflight;
import io.mailtap.sensor.SensorException;
import io.mailtap.sensor.SensorSignals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the live sensor: capture on capture.interface, write smtp.jsonl and alerts.jsonl under output.dir,",
                "serve Prometheus metrics on metrics.listen. SIGHUP reloads the configuration; SIGTERM/SIGINT stop",
                "after draining every flow (exit 0). Needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode), not root."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Configuration file (YAML); defaults apply without one (then SIGHUP cannot reload).")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        MailtapConfig cfg = ConfigArgument.load(config, err);
        if (cfg == null) return Main.EXIT_USAGE;
        List<String> problems = Preflight.problems(cfg);
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            return Main.EXIT_USAGE;
        }
        LiveSensor sensor = new LiveSensor(cfg, config, Version.current());
        try {
            sensor.start();
        } catch (SensorException e) {
            err.println("mailtap: " + e.getMessage());
            return e.badConfig() ? Main.EXIT_USAGE : Main.EXIT_FAILURE;
        }
        SensorSignals.install(sensor);
        sensor.awaitTermination();  // until SIGTERM/SIGINT stops it, or the capture fails
        sensor.stop();              // idempotent: waits for a stop in progress
        if (sensor.failure() != null) {
            err.println("mailtap: " + sensor.failure());
            return Main.EXIT_FAILURE;
        }
        return Main.EXIT_OK;
    }
}
