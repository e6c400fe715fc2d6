package io.mailtap.cli;

import io.mailtap.flow.FlowSettings;
import io.mailtap.sensor.Replay;
import io.mailtap.smtp.SmtpSettings;
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

@Command(name = "replay", sortOptions = false,
        description = {"Read capture files (pcap or pcapng) in order as one timeline and report every SMTP conversation.",
                "Writes DIR/smtp.jsonl (one JSON line per mail transaction) and prints a summary."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (YAML); defaults apply without one.")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Output directory (default: current directory).")
    Path out;

    @Option(names = "--filter", paramLabel = "BPF", description = "BPF filter applied while reading (default: none).")
    String filter;

    @Option(names = "--show", paramLabel = "N", defaultValue = "50", description = "Transactions listed in the summary (default: 50).")
    int show;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Capture files.")
    List<Path> files;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                err.println("mailtap: cannot read " + f + ": " + (Files.exists(f) ? "not a readable file" : "no such file"));
                return Main.EXIT_FAILURE;
            }
        }
        Replay replay = new Replay(FlowSettings.defaults(), SmtpSettings.defaults(), List.of(), show);
        Replay.Report report = replay.run(files, filter, out);
        new SummaryPrinter(spec.commandLine().getOut()).print(report);
        report.files().stream().filter(r -> r.error() != null)
                .forEach(r -> err.println("mailtap: " + r.error()));
        return report.anyFileFailed() ? Main.EXIT_FAILURE : Main.EXIT_OK;
    }
}
