package io.mailtap.config;

import io.mailtap.detect.RuleSpec;
import io.mailtap.detect.Rules;
import io.mailtap.settings.Leaf;
import io.mailtap.settings.Node;
import io.mailtap.settings.Section;

/**
 * Renders configuration as YAML: the effective config for {@code check-config} (every key, defaults
 * filled in, secrets shown as {@code "<redacted>"}), and the key reference as Markdown for the
 * README. The YAML it prints loads back to the same config (secrets aside).
 */
public final class ConfigPrinter {
    private ConfigPrinter() {}

    /** The effective configuration as YAML with a comment above each key. */
    public static String toYaml(MailtapConfig cfg) {
        return toYaml(cfg, true);
    }

    /** The effective configuration as YAML; {@code comments}: each key's documentation above it. */
    public static String toYaml(MailtapConfig cfg, boolean comments) {
        StringBuilder b = new StringBuilder(8192);
        render(Schema.ROOT, "", 0, cfg, comments, new java.util.HashSet<>(), b);
        return b.toString();
    }

    /** {@code ruleDocs}: docs of rule keys already printed (the common keys are explained once). */
    private static void render(Section s, String path, int depth, MailtapConfig cfg, boolean comments,
                               java.util.Set<String> ruleDocs, StringBuilder b) {
        String indent = "  ".repeat(depth);
        boolean first = true;
        for (Node n : s.children()) {
            String p = path.isEmpty() ? n.name() : path + "." + n.name();
            if (n instanceof Section sub) {
                if (comments && depth == 0 && !first) b.append('\n');
                if (comments && !sub.doc().isEmpty()) b.append(indent).append("# ").append(sub.doc()).append('\n');
                b.append(indent).append(n.name()).append(":\n");
                render(sub, p, depth + 1, cfg, comments, ruleDocs, b);
            } else {
                Leaf leaf = (Leaf) n;
                boolean ruleKey = depth >= 2 && p.startsWith(Rules.SECTION + ".");
                if (comments && (!ruleKey || ruleDocs.add(n.name() + "\0" + leaf.doc()))) {
                    b.append(indent).append("# ").append(leaf.doc()).append('\n');
                }
                Object v = cfg.value(p);
                b.append(indent).append(n.name()).append(": ").append(v == null ? "null" : leaf.type().render(v, Yaml.QUOTING)).append('\n');
            }
            first = false;
        }
    }

    /**
     * Every key as a Markdown table per top-level section (key, type, default, meaning), generated
     * from the schema the loader uses: paste into the README.
     */
    public static String markdownReference() {
        MailtapConfig defaults = ConfigLoader.defaults();
        StringBuilder b = new StringBuilder(16384);
        for (Node top : Schema.ROOT.children()) {
            Section s = (Section) top;
            b.append("#### `").append(s.name()).append("` — ").append(s.doc()).append("\n\n");
            b.append("| key | type | default | meaning |\n|---|---|---|---|\n");
            table(s, s.name(), defaults, b);
            b.append('\n');
        }
        return b.toString();
    }

    /** The keys every rule block has: documented once as {@code detect.<rule>.*}. */
    private static final java.util.Set<String> RULE_COMMON = java.util.Set.copyOf(RuleSpec.COMMON_KEYS);

    private static void table(Section s, String path, MailtapConfig defaults, StringBuilder b) {
        for (Node n : s.children()) {
            String p = path + "." + n.name();
            if (n instanceof Section sub) {
                boolean rule = path.equals(Rules.SECTION);
                if (rule && n == firstRule()) {
                    for (Node c : sub.children()) {
                        if (!RULE_COMMON.contains(c.name())) continue;
                        Leaf leaf = (Leaf) c;
                        String def = c.name().equals("severity") ? "per rule"
                                : leaf.defaultValue() == null ? "null" : leaf.type().render(leaf.defaultValue(), Yaml.QUOTING);
                        b.append("| `detect.<rule>.").append(c.name()).append("` | ").append(cell(leaf.type().describe()))
                                .append(" | `").append(def).append("` | ").append(cell(leaf.doc())).append(" |\n");
                    }
                }
                table(sub, p, defaults, b);
                continue;
            }
            if (path.startsWith(Rules.SECTION + ".") && RULE_COMMON.contains(n.name())) {
                if (n.name().equals("severity")) {
                    Leaf leaf = (Leaf) n;
                    b.append("| `").append(p).append("` | severity | `").append(leaf.type().render(leaf.defaultValue(), Yaml.QUOTING))
                            .append("` | ").append(cell(s.doc())).append(" |\n");
                }
                continue;
            }
            Leaf leaf = (Leaf) n;
            String def = p.equals("sensor.name") ? "host name"
                    : leaf.defaultValue() == null ? "null" : leaf.type().render(leaf.defaultValue(), Yaml.QUOTING);
            b.append("| `").append(p).append("` | ").append(cell(leaf.type().describe())).append(" | `")
                    .append(def.replace("|", "\\|")).append("` | ").append(cell(leaf.doc())).append(" |\n");
        }
    }

    private static Node firstRule() {
        Section detect = (Section) Schema.ROOT.child(Rules.SECTION);
        for (Node n : detect.children()) if (n instanceof Section) return n;
        throw new IllegalStateException("no rules");
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
