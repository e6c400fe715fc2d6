package io.mailtap.txlog;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeJsonTest {
    @Test
    void bidiAndOtherControlsAreEscapedAndRoundTrip() throws Exception {
        StringBuilder hostile = new StringBuilder("helo");
        for (int c = 0x202a; c <= 0x202e; c++) hostile.append((char) c);
        for (int c = 0x2066; c <= 0x2069; c++) hostile.append((char) c);
        hostile.append('\u2028').append('\u0085').append('\u007f').append('\u001b');
        String json = SafeJson.mapper().writeValueAsString(Map.of("helo", hostile.toString()));

        for (char c : json.toCharArray()) {
            assertTrue(c >= 0x20 && c < 0x7f, () -> "raw character U+" + Integer.toHexString(c) + " in " + json);
        }
        assertTrue(json.contains("\\u202e") && json.contains("\\u2066") && json.contains("\\u2069"), json);
        JsonNode back = SafeJson.mapper().readTree(json);
        assertEquals(hostile.toString(), back.get("helo").asText());
    }

    /** The byte-oriented generator (HTTP sink bodies) escapes the same set as the writer-oriented one. */
    @Test
    void bytesOutputEscapesTheBidiControlsToo() throws Exception {
        String json = new String(SafeJson.mapper().writeValueAsBytes(Map.of("helo", "a\u202eb\u2067c")),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("{\"helo\":\"a\\u202eb\\u2067c\"}", json);
    }

    @Test
    void ordinaryNonAsciiTextIsWrittenAsIs() throws Exception {
        assertEquals("{\"helo\":\"Grüße\"}", SafeJson.mapper().writeValueAsString(Map.of("helo", "Grüße")));
    }
}
