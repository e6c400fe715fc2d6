package io.mailtap.txlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The message key of a forwarded record, read from the record's own top-level fields so that the key
 * says nothing the record does not:
 * <ul>
 *   <li>transactions and anomalies: {@code <sensor>/<uid>}: every transaction and anomaly of one
 *   connection goes to the same partition, in order, and {@code uid} joins them across topics;</li>
 *   <li>alerts: {@code <sensor>/<rule>/<key>}: the identity of one alert (what de-duplication keys
 *   on), so its firing, re-notified and resolved notifications stay in order on one partition and a
 *   compacted topic keeps each alert's last state.</li>
 * </ul>
 * The sensor name is part of the key because uids are only unique per sensor. A record without
 * the field (never written by mailtap) is keyed by the sensor alone.
 */
final class RecordKey {
    private static final JsonFactory JSON = new JsonFactory();

    private RecordKey() {}

    static byte[] of(Forwarded kind, String sensor, byte[] json, int len) {
        StringBuilder k = new StringBuilder(64).append(sensor);
        if (kind == Forwarded.ALERTS) {
            String[] v = fields(json, len, "rule", "key");
            k.append('/').append(v[0] == null ? "" : v[0]).append('/').append(v[1] == null ? "" : v[1]);
        } else {
            String uid = fields(json, len, "uid")[0];
            if (uid != null) k.append('/').append(uid);
        }
        return k.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The string values of these top-level fields (null when absent or not a string). */
    static String[] fields(byte[] json, int len, String... names) {
        String[] out = new String[names.length];
        int found = 0;
        try (JsonParser p = JSON.createParser(json, 0, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return out;
            while (found < names.length && p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                for (int i = 0; i < names.length; i++) {
                    if (names[i].equals(name)) {
                        if (t == JsonToken.VALUE_STRING) out[i] = p.getText();
                        found++;
                    }
                }
                if (t.isStructStart()) p.skipChildren();
            }
        } catch (IOException e) {
            // not an object: the fields are unknown, the record still goes out
        }
        return out;
    }
}
