package io.mailtap.settings;

/**
 * One value as the config file holds it, before its {@link Type} reads it: a scalar, a list or a
 * mapping. The loader adapts its parser's tree to this, so types never see the file's syntax.
 */
public interface RawValue {
    boolean isNull();

    boolean isTextual();

    /** The scalar's text (numbers and booleans as written). */
    String asText();

    boolean isBoolean();

    boolean booleanValue();

    boolean isNumber();

    boolean isIntegralNumber();

    boolean canConvertToLong();

    long longValue();

    double asDouble();

    boolean isArray();

    int size();

    default boolean isEmpty() { return size() == 0; }

    /** Item {@code i} of a list. */
    RawValue get(int i);

    /** What the value is, for a message: "a string (\"x\")", "an integer (5)", "a list", ... */
    String kind();
}
