package io.mailtap.cli;

import io.mailtap.config.ConfigException;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.ConfigPrinter;
import io.mailtap.config.MailtapConfig;
import io.mailtap.sensor.Preflight;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Validate a configuration file and print the effective configuration (defaults filled in, secrets redacted).",
                "Exit code 2 and one 'config error: <key>: <problem>' line per problem when it is invalid."})
final class CheckConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing when the file is valid (problems and warnings still go to stderr).")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
        MailtapConfig cfg;
        try {
            cfg = ConfigLoader.load(file);
            Preflight.check(cfg);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return Main.EXIT_USAGE;
        }
        for (String w : cfg.warnings()) spec.commandLine().getErr().println("warning: " + w);
        if (!quiet) {
            spec.commandLine().getOut().print(ConfigPrinter.toYaml(cfg));
            spec.commandLine().getOut().flush();
        }
        return Main.EXIT_OK;
    }
}
