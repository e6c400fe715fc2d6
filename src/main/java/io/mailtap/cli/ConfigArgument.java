package io.mailtap.cli;

import io.mailtap.config.ConfigException;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The {@code --config FILE} of every command: defaults without one, the loader's message on a bad one. */
final class ConfigArgument {
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
}
