package io.mailtap.config;

import io.mailtap.settings.Problems;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Secrets kept out of the config file, as Prometheus does: {@code <key>_file} names a file whose
 * content (one trailing newline dropped) becomes the value of {@code <key>}. Read when the config
 * is loaded, so a reload picks up a rotated secret. Errors name the key and the path, never the
 * content.
 */
final class SecretFiles {
    private SecretFiles() {}

    /** secret key → the key naming its file. */
    static final Map<String, String> FILE_KEYS = Map.of(
            "alerts.webhook.bearer_token", "alerts.webhook.bearer_token_file",
            "metrics.basic_auth.password", "metrics.basic_auth.password_file",
            "output.kafka.sasl.password", "output.kafka.sasl.password_file",
            "output.kafka.tls.key_password", "output.kafka.tls.key_password_file");

    /** Replaces each secret whose {@code _file} key is set by the file's content. */
    static void resolve(Map<String, Object> values, Set<String> explicit, Problems p) {
        for (Map.Entry<String, String> e : FILE_KEYS.entrySet()) {
            String secretKey = e.getKey(), fileKey = e.getValue();
            String file = (String) values.get(fileKey);
            if (file == null) continue;
            if (explicit.contains(secretKey) && values.get(secretKey) != null) {
                p.add(fileKey, "set " + secretKey.substring(secretKey.lastIndexOf('.') + 1) + " or "
                        + fileKey.substring(fileKey.lastIndexOf('.') + 1) + ", not both");
                continue;
            }
            String secret;
            try {
                secret = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException ex) {
                p.add(fileKey, "cannot read " + file + " (" + ex.getClass().getSimpleName() + ")");
                continue;
            }
            if (secret.endsWith("\n")) secret = secret.substring(0, secret.length() - 1);
            if (secret.endsWith("\r")) secret = secret.substring(0, secret.length() - 1);
            if (secret.isEmpty()) {
                p.add(fileKey, file + " is empty");
                continue;
            }
            values.put(secretKey, secret);
        }
    }
}
