package io.mailtap.cli;

import picocli.CommandLine;

/** Version from the jar manifest (Implementation-Version), "dev" when run from classes. */
public final class Version implements CommandLine.IVersionProvider {
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"mailtap " + current() + " (Java " + Runtime.version() + ")"};
    }
}
