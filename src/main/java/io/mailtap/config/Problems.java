package io.mailtap.config;

import java.util.ArrayList;
import java.util.List;

/** Collects validation problems so that one run reports all of them. */
final class Problems {
    private final List<String> list = new ArrayList<>();

    void add(String path, String problem) {
        list.add("config error: " + (path.isEmpty() ? "(top level)" : path) + ": " + problem);
    }

    boolean isEmpty() { return list.isEmpty(); }

    int size() { return list.size(); }

    void throwIfAny() {
        if (!list.isEmpty()) throw new ConfigException(list);
    }
}
