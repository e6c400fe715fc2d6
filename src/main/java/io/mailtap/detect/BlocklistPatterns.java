package io.mailtap.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code blocklist_rejection} patterns: each is a case-insensitive substring, or a Java regular
 * expression (case-insensitive, searched anywhere) when written {@code re:<regex>}.
 */
public final class BlocklistPatterns {
    private final List<String> substrings = new ArrayList<>();
    private final List<String> substringLabels = new ArrayList<>();
    private final List<Pattern> regexes = new ArrayList<>();
    private final List<String> regexLabels = new ArrayList<>();

    /** Throws {@link java.util.regex.PatternSyntaxException} for a bad {@code re:} entry. */
    public BlocklistPatterns(List<String> patterns) {
        for (String p : patterns) {
            if (p.startsWith("re:")) {
                regexes.add(compile(p.substring(3)));
                regexLabels.add(p);
            } else {
                substrings.add(p.toLowerCase(Locale.ROOT));
                substringLabels.add(p);
            }
        }
    }

    /** Compiles the regex of a {@code re:} entry as the rule uses it. */
    public static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** The first configured pattern {@code text} matches (substrings first), or null. */
    public String match(String text) {
        if (text == null || text.isEmpty()) return null;
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < substrings.size(); i++) if (lower.contains(substrings.get(i))) return substringLabels.get(i);
        for (int i = 0; i < regexes.size(); i++) if (regexes.get(i).matcher(text).find()) return regexLabels.get(i);
        return null;
    }
}
