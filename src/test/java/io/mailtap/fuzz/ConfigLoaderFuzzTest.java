package io.mailtap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailtap.config.ConfigException;
import io.mailtap.config.ConfigLoader;

/**
 * Coverage-guided fuzzing of the configuration loader: any text is either a valid configuration or
 * a {@link ConfigException} (exit 2 with the offending key); anything else thrown (a parser's
 * internal exception, a NumberFormatException, a StackOverflowError from deep YAML) is a bug, since
 * the operator would get a stack trace instead of the key to fix. Seeds: the shipped configs.
 */
class ConfigLoaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void yaml(String text) {
        if (text == null) return; // Jazzer's mutator also tries null; a file's text never is
        try {
            ConfigLoader.parse(text, "fuzz.yml");
        } catch (ConfigException expected) {
            // the documented way to refuse a file
        }
    }
}
