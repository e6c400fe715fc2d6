package io.mailtap.txlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.text.WireText;

/**
 * The one JSON mapper every mailtap output uses. Strings in our records come off the wire from
 * hostile peers, so beyond JSON's mandatory escapes it also escapes DEL, the C1 controls and the
 * Unicode line/paragraph separators and the bidi controls (the set of {@link WireText#isControl}):
 * a log line viewed in a terminal or split by a naive reader can never carry a raw control character.
 */
public final class SafeJson {
    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private SafeJson() {}

    public static ObjectMapper mapper() { return MAPPER; }

    public static JsonFactory factory() { return MAPPER.getFactory(); }

    private static ObjectMapper configure(ObjectMapper m) {
        m.getFactory().setCharacterEscapes(new WireStringEscapes());
        m.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return m;
    }

    static final class WireStringEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        WireStringEscapes() {
            ascii[0x7f] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() { return ascii; }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (WireText.isControl(ch)) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
