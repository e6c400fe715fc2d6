package io.mailtap.txlog;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The {@link OutputStats} of every {@link Output} of one sensor run. */
public final class OutputHealth {
    private final Map<Output, OutputStats> stats = new EnumMap<>(Output.class);

    public OutputHealth() {
        for (Output o : Output.values()) stats.put(o, new OutputStats());
    }

    public OutputStats of(Output o) { return stats.get(o); }

    /** "smtp.jsonl: No space left on device" for every output failing now; empty while all write. */
    public List<String> failing() {
        List<String> out = new ArrayList<>();
        for (Output o : Output.values()) {
            String why = stats.get(o).failing();
            if (why != null) out.add(o.fileName() + ": " + why);
        }
        return out;
    }

    /** For the stop line: "no output record lost", or "smtp.jsonl lost 12 records (3 write errors), ...". */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (Output o : Output.values()) {
            OutputStats s = stats.get(o);
            long lost = s.lost.get();
            long errors = s.writeErrors.get();
            if (lost == 0 && errors == 0) continue;
            if (b.length() > 0) b.append(", ");
            b.append(o.fileName()).append(" lost ").append(lost).append(lost == 1 ? " record" : " records")
                    .append(" (").append(errors).append(errors == 1 ? " write error)" : " write errors)");
        }
        return b.length() == 0 ? "no output record lost" : b.toString();
    }
}
