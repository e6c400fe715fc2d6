package io.mailtap.cli;

import io.mailtap.config.MailtapConfig;
import io.mailtap.sensor.AlertDigest;
import io.mailtap.sensor.Detection;
import io.mailtap.sensor.ParallelReplay;
import io.mailtap.sensor.Replay;
import io.mailtap.sensor.SensorAssembly;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read capture files (pcap or pcapng) in order as one timeline and report every SMTP conversation.",
                "Writes DIR/smtp.jsonl (one JSON line per mail transaction) and prints a summary."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = {"Configuration file (YAML). Without it: NAME.mailtap.yml beside the first capture NAME.pcap if there is one,",
                    "else the defaults."})
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: output.dir of the configuration, \".\").")
    Path out;

    @Option(names = "--filter", paramLabel = "BPF", description = "BPF filter applied while reading (default: none).")
    String filter;

    @Option(names = "--show", paramLabel = "N", defaultValue = "50", description = "Transactions and findings listed in the summary (default: 50); the rest are counted.")
    int show;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Packet pipelines (default: 1, at most 64): "
            + "flows split by the live sensor's flow hash, events merged back. The output is byte-identical to one pipeline's "
            + "unless one flow table might have reached flow.max_flows, flow.max_buffered_bytes_total or "
            + "flow.max_overlap_check_buffers: the summary then says so. Each pipeline gets those limits in full, so memory "
            + "may reach N times them.")
    int threads;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Capture files.")
    List<Path> files;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Path configFile = config;
        if (configFile == null && (configFile = ConfigArgument.besideCapture(files)) != null) {
            spec.commandLine().getOut().println("mailtap: using " + configFile
                    + " (the configuration beside the capture; --config FILE overrides)");
        }
        MailtapConfig cfg = ConfigArgument.load(configFile, err);
        if (cfg == null) return Main.EXIT_USAGE;
        if (threads < 1 || threads > ParallelReplay.MAX_THREADS) {
            err.println("mailtap: --threads must be 1.." + ParallelReplay.MAX_THREADS + ", not " + threads);
            return Main.EXIT_USAGE;
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                err.println("mailtap: cannot read " + f + ": " + (Files.exists(f) ? "not a readable file" : "no such file"));
                return Main.EXIT_FAILURE;
            }
        }
        String badInput = Replay.checkInputs(files, filter);
        if (badInput != null) { // before any output is opened: the previous smtp.jsonl and alerts.jsonl stay
            err.println("mailtap: " + badInput);
            return badInput.startsWith("invalid BPF filter") ? Main.EXIT_USAGE : Main.EXIT_FAILURE;
        }
        Path outDir = out != null ? out : cfg.outputDir();
        Files.createDirectories(outDir);
        AlertDigest digest = new AlertDigest();
        Replay.Report report;
        Path alertLog;
        try (Detection detection = Detection.build(cfg, outDir, false, List.of(digest))) {
            Replay replay = new Replay(SensorAssembly.of(cfg), List.of(detection.engine()), show)
                    .progress(ProgressLine.forTerminal(err)).threads(threads);
            report = replay.run(files, filter, outDir);
            digest.updateFrom(detection.tracker().openAlerts());
            alertLog = detection.alertLog();
            detection.keepOutput();
        }
        new SummaryPrinter(spec.commandLine().getOut(), show).print(report, digest, alertLog);
        report.files().stream().filter(r -> r.error() != null)
                .forEach(r -> err.println("mailtap: " + r.error()));
        return report.anyFileFailed() ? Main.EXIT_FAILURE : Main.EXIT_OK;
    }
}
