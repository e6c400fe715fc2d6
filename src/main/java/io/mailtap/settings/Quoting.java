package io.mailtap.settings;

/**
 * How values are written back as text (the config's syntax is the loader's business, not this
 * package's): problems quote what the operator wrote, types render values for the printer.
 */
public interface Quoting {
    /** A string as a double-quoted scalar, control characters escaped. */
    String quote(String s);

    /** A string as a scalar: plain when it reads back as the same string, quoted otherwise. */
    String scalar(String s);
}
