package io.mailtap.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

final class Auths {
    private Auths() {}

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
