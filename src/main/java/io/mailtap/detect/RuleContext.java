package io.mailtap.detect;

/**
 * What every rule is built with besides its own settings: its severity, the shared address plan,
 * the key cap of its tables, where its findings go and the counters it counts into.
 */
record RuleContext(Severity severity, AddressPlan net, int maxTrackedKeys, FindingSink sink, DetectStats stats) {}
