package io.mailtap.cli;

import io.mailtap.config.ConfigException;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code --config FILE} of every command: defaults without one, the loader's message on a bad
 * one — and, for a replay without {@code --config}, the capture's own address plan beside it.
 */
final class ConfigArgument {
    /** {@code NAME.pcap} (or .pcapng, .cap) carries its configuration as {@code NAME.mailtap.yml} beside it. */
    static final String BESIDE_SUFFIX = ".mailtap.yml";

    private ConfigArgument() {}

    /** The configuration, or null after printing every problem (the caller exits {@link Main#EXIT_USAGE}). */
    static MailtapConfig load(Path file, PrintWriter err) {
        try {
            return file == null ? ConfigLoader.defaults() : ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    /**
     * The configuration file a replay of {@code captures} uses when none is given: the first
     * capture's {@code NAME.mailtap.yml}, if there is one. A sample then shows its findings with its
     * own address plan, and nothing is picked up for a capture that has no such file.
     */
    static Path besideCapture(List<Path> captures) {
        if (captures.isEmpty()) return null;
        Path first = captures.get(0);
        String name = first.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot <= 0) return null;
        Path beside = first.resolveSibling(name.substring(0, dot) + BESIDE_SUFFIX);
        return Files.isRegularFile(beside) ? beside : null;
    }
}
