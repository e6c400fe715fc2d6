package io.mailtap.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Spec;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * {@code mailtap generate-manpage}: mailtap(1) in roff, rendered from the same picocli model that
 * answers {@code --help}, so the manual cannot drift from the commands. Install it with
 * {@code mailtap generate-manpage > /usr/local/share/man/man1/mailtap.1}.
 */
@Command(name = "generate-manpage", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print the mailtap(1) manual page (roff) generated from the commands' own definitions.")
final class ManPageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(render(spec.root()));
        spec.commandLine().getOut().flush();
    }

    static String render(CommandSpec root) {
        StringBuilder b = new StringBuilder();
        String version = root.version().length > 0 ? root.version()[0] : "";
        b.append(".TH MAILTAP 1 \"").append(LocalDate.now(ZoneOffset.UTC)).append("\" \"")
                .append(text(version)).append("\" \"mailtap manual\"\n");
        b.append(".SH NAME\nmailtap \\- ").append(text(String.join(" ", root.usageMessage().description()))).append('\n');
        b.append(".SH SYNOPSIS\n");
        for (String name : root.subcommands().keySet()) {
            if (name.equals("help")) continue;
            b.append(".B mailtap ").append(text(name)).append("\n[\\fIOPTIONS\\fR]");
            for (PositionalParamSpec p : root.subcommands().get(name).getCommandSpec().positionalParameters()) {
                b.append(' ').append(text(p.paramLabel()));
                if (p.arity().max() > 1) b.append("...");
            }
            b.append("\n.br\n");
        }
        b.append(".SH DESCRIPTION\n").append(text(
                "mailtap is a passive SMTP sensor: it reads a mirror (SPAN) port or capture files, follows every "
                        + "TCP/SMTP conversation, writes one JSON line per mail transaction (smtp.jsonl), alerts "
                        + "(alerts.jsonl, Alertmanager, webhook) and anomalies (anomalies.jsonl), and serves "
                        + "Prometheus metrics. It never decodes, stores or writes an AUTH password.")).append('\n');
        b.append(".SH COMMANDS\n");
        for (Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            CommandSpec c = e.getValue().getCommandSpec();
            b.append(".SS \"mailtap ").append(text(e.getKey())).append("\"\n")
                    .append(text(String.join(" ", c.usageMessage().description()))).append('\n');
            for (PositionalParamSpec p : c.positionalParameters()) item(b, "\\fI" + text(p.paramLabel()) + "\\fR", p);
            for (OptionSpec o : c.options()) {
                if (o.hidden()) continue;
                StringBuilder names = new StringBuilder();
                for (String n : o.names()) {
                    if (names.length() > 0) names.append(", ");
                    names.append("\\fB").append(text(n)).append("\\fR");
                }
                if (o.arity().max() > 0) names.append(" \\fI").append(text(o.paramLabel())).append("\\fR");
                item(b, names.toString(), o);
            }
        }
        b.append(".SH ENVIRONMENT\n");
        item(b, "\\fBMAILTAP_LOG_LEVEL\\fR", "Level of the operator log on stderr (default INFO; DEBUG adds stack traces).");
        item(b, "\\fBMAILTAP_LOG_FORMAT\\fR", "text (default) or json: one JSON object per log line.");
        b.append(".SH FILES\n");
        item(b, "\\fIsmtp.jsonl\\fR", "The transaction log: one JSON object per mail transaction, in output.dir.");
        item(b, "\\fIalerts.jsonl\\fR", "One JSON object per alert notification (alerts.log.path).");
        item(b, "\\fIanomalies.jsonl\\fR", "One JSON object per anomaly (protocol violation or analyzer limit hit).");
        item(b, "\\fI/etc/mailtap/mailtap.yml\\fR", "The configuration of the service (mailtap check-config validates it).");
        b.append(".SH EXIT STATUS\n");
        item(b, "0", "Success.");
        item(b, "1", "A runtime failure: unreadable capture, I/O error, an output that cannot be written.");
        item(b, "2", "Bad usage or a bad configuration (the message names the offending key).");
        b.append(".SH SEE ALSO\n.BR tcpdump (1),\n.BR pcap-filter (7),\n.BR systemctl (1)\n");
        return b.toString();
    }

    private static void item(StringBuilder b, String tag, ArgSpec a) {
        String desc = String.join(" ", a.description());
        String def = a.defaultValue();
        if (def != null && !desc.contains("default")) desc = desc + " (default " + def + ")";
        item(b, tag, desc);
    }

    private static void item(StringBuilder b, String tag, String description) {
        b.append(".TP\n").append(tag).append('\n').append(text(description)).append('\n');
    }

    /** Text for roff: backslashes doubled, hyphens kept as minus signs, no line starting a request. */
    static String text(String s) {
        String t = s.replace("%%", "%").replace("%n", " ").replace("\\", "\\e").replace("-", "\\-").replace("\n", " ");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
