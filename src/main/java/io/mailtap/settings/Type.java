package io.mailtap.settings;

/** A leaf's value type: how it is read, validated, printed and documented. */
public interface Type {
    /** The value, or null after adding a problem (with {@code path}, the full dotted key) to {@code p}. */
    Object parse(RawValue n, String path, Problems p);

    /** The value as text (a plain or double-quoted scalar, or a flow sequence). */
    String render(Object v, Quoting q);

    /** What the value is, for documentation ("duration", "list of CIDR blocks", ...). */
    String describe();

    /** Whether null is a legal value. */
    default boolean nullable() { return false; }
}
