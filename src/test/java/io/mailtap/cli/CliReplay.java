package io.mailtap.cli;

import java.nio.file.Path;

/** {@code mailtap replay --out DIR FILE...} for tests outside this package (the outputs, not the printout). */
public final class CliReplay {
    private CliReplay() {}

    public static void replay(Path out, String... files) {
        String[] args = new String[3 + files.length];
        args[0] = "replay";
        args[1] = "--out";
        args[2] = out.toString();
        System.arraycopy(files, 0, args, 3, files.length);
        Cli r = Cli.run(args);
        if (r.exit() != 0) throw new AssertionError("replay failed: " + r.exit() + " " + r.err());
    }
}
