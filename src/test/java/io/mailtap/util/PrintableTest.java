package io.mailtap.util;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrintableTest {
    /** Every bidi embedding/override (U+202A–E) and isolate (U+2066–9) control is escaped. */
    @Test
    void bidiControlsAreEscaped() {
        for (int c = 0x202a; c <= 0x202e; c++) {
            assertEquals(String.format("ok\\u%04xcom", c), Printable.of("ok" + (char) c + "com"));
        }
        for (int c = 0x2066; c <= 0x2069; c++) {
            assertEquals(String.format("ok\\u%04xcom", c), Printable.of("ok" + (char) c + "com"));
        }
        // A right-to-left override in a HELO would show "moc.elpmaxe" reversed on a terminal.
        assertEquals("mx.\\u202eelpmaxe", Printable.of("mx.\u202eelpmaxe"));
    }

    @Test
    void neighboursOfTheBidiRangesAndOrdinaryTextStayAsTheyAre() {
        assertTrue(Printable.isControl(0x202a));
        assertFalse(Printable.isControl(0x202f));
        assertFalse(Printable.isControl(0x2065));
        assertFalse(Printable.isControl(0x206a));
        assertEquals("Grüße מזל", Printable.of("Grüße מזל"));
        assertEquals("a\\x1b[2Jb\\x85", Printable.of("a\u001b[2Jb\u0085"));
        assertEquals("-", Printable.of(null));
    }
}
