package io.mailtap.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import io.mailtap.settings.Leaf;
import io.mailtap.settings.Node;
import io.mailtap.settings.Problems;
import io.mailtap.settings.Section;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code mailtap.yml} (Jackson YAML → tree) and validates it against the key schema: every
 * unknown key, wrong type, bad value and inconsistency is collected and reported together in one
 * {@link ConfigException}, each problem as {@code config error: <dotted.key>: <problem>}. Keys not
 * given take their defaults; {@link #defaults()} is the config of an empty file.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Loads and validates {@code file}. */
    public static MailtapConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("config error: " + file + ": cannot read: " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new ConfigException("config error: " + file + ": not UTF-8 text", e);
        }
        return parse(text, file.toString());
    }

    /** Validates YAML text; {@code origin} names it in syntax errors. */
    public static MailtapConfig parse(String yaml, String origin) {
        JsonNode root;
        try {
            root = Yaml.mapper().readTree(yaml);
        } catch (JsonProcessingException e) {
            throw notYaml(origin, e);
        }
        refuseAliases(yaml, origin);
        return fromTree(root);
    }

    private static ConfigException notYaml(String origin, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        return new ConfigException("config error: " + origin + ": not valid YAML" + where + ": "
                + e.getOriginalMessage().lines().findFirst().orElse("").trim(), e);
    }

    /**
     * Jackson's tree reads a YAML alias ({@code *name}) as the plain string "name", so an anchored
     * value would silently become its own name. Aliases are refused, each naming the key and line.
     */
    private static void refuseAliases(String yaml, String origin) {
        Problems problems = Yaml.problems();
        try (YAMLParser p = (YAMLParser) Yaml.mapper().createParser(yaml)) {
            while (p.nextToken() != null) {
                if (!p.isCurrentAlias()) continue;
                JsonStreamContext ctx = p.getParsingContext();
                if (ctx.inArray()) ctx = ctx.getParent(); // the list's key, not its index
                String key = ctx.pathAsPointer().toString().replaceFirst("^/", "").replace('/', '.');
                problems.add(key, "YAML alias *" + p.getText() + " (line " + p.currentLocation().getLineNr()
                        + ") is not supported: write the value itself");
            }
        } catch (JsonProcessingException e) {
            // The tree reads the first document only; this walk reads the whole text, so a broken
            // second document ("---" and then garbage) is refused here instead of being ignored.
            throw notYaml(origin, e);
        } catch (IOException e) {
            throw new ConfigException("config error: " + origin + ": cannot read: " + e.getMessage(), e);
        }
        Yaml.throwIfAny(problems);
    }

    /** Validates YAML text. */
    public static MailtapConfig parse(String yaml) {
        return parse(yaml, "<config>");
    }

    /** The configuration of an empty file: every key at its default. */
    public static MailtapConfig defaults() {
        return fromTree(null);
    }

    static MailtapConfig fromTree(JsonNode root) {
        Problems problems = Yaml.problems();
        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> explicit = new HashSet<>();
        walk(Schema.ROOT, root, "", values, explicit, problems);
        Yaml.throwIfAny(problems);
        if (values.get("sensor.name") == null) values.put("sensor.name", hostName());
        SecretFiles.resolve(values, explicit, problems);
        Yaml.throwIfAny(problems);
        MailtapConfig cfg = new MailtapConfig(values, explicit);
        cfg.crossCheck(problems);
        Yaml.throwIfAny(problems);
        return cfg;
    }

    private static void walk(Section s, JsonNode node, String path, Map<String, Object> values,
                             Set<String> explicit, Problems p) {
        boolean present = node != null && !node.isMissingNode() && !node.isNull();
        if (present && !node.isObject()) {
            p.add(path, "expected a mapping with keys " + String.join(", ", s.names()) + ", got " + JsonRaw.kind(node));
            present = false;
        }
        if (present) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (s.child(name) == null) {
                    p.add(join(path, name), "unknown key; valid keys "
                            + (path.isEmpty() ? "at the top level" : "under " + path) + ": "
                            + String.join(", ", s.names()) + suggestion(name, s.names()));
                }
            }
        }
        for (Node child : s.children()) {
            String cp = join(path, child.name());
            JsonNode cn = present ? node.get(child.name()) : null;
            if (child instanceof Section sub) {
                walk(sub, cn, cp, values, explicit, p);
                continue;
            }
            Leaf leaf = (Leaf) child;
            if (cn == null) {
                values.put(cp, leaf.defaultValue());
                continue;
            }
            explicit.add(cp);
            if (cn.isNull()) {
                if (leaf.type().nullable()) {
                    values.put(cp, null);
                } else {
                    p.add(cp, "must not be null" + (leaf.defaultValue() instanceof List
                            ? "; write [] for an empty list" : "; the default is " + leaf.type().render(leaf.defaultValue(), Yaml.QUOTING)));
                }
                continue;
            }
            values.put(cp, leaf.type().parse(new JsonRaw(cn), cp, p));
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** " (did you mean x?)" for a key within edit distance 2 of a valid one. */
    private static String suggestion(String name, List<String> valid) {
        String best = null;
        int bestD = 3;
        for (String v : valid) {
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), v);
            if (d < bestD) {
                bestD = d;
                best = v;
            }
        }
        if (best == null && name.contains("-") && valid.contains(name.replace('-', '_'))) best = name.replace('-', '_');
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static volatile String cachedHostName;

    /** This machine's host name without touching DNS: /etc/hostname, the kernel's, then the JDK's. */
    static String hostName() {
        String h = cachedHostName;
        if (h != null) return h;
        for (String f : List.of("/etc/hostname", "/proc/sys/kernel/hostname")) {
            try {
                String s = Files.readString(Path.of(f), StandardCharsets.UTF_8).trim();
                if (!s.isEmpty()) return cachedHostName = s;
            } catch (IOException | RuntimeException e) {
                // next source
            }
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return cachedHostName = env.trim();
        try {
            return cachedHostName = InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return cachedHostName = "mailtap";
        }
    }
}
