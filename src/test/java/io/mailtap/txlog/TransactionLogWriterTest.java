package io.mailtap.txlog;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.flow.ClientBy;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.MessageStatus;
import io.mailtap.smtp.TransactionRecord;
import io.mailtap.testutil.ReadmeTables;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionLogWriterTest {
    private static Connection connection() throws Exception {
        return new Connection("CtestUid1", 1_700_000_000_000_000L, InetAddress.getByName("192.0.2.10"), "192.0.2.10", 40000,
                InetAddress.getByName("198.51.100.25"), "198.51.100.25", 25, 0, 0, 4, ClientBy.SYN);
    }

    /** A connection that never reached MAIL: everything optional is absent. */
    private static TransactionRecord bare() {
        return new TransactionRecord(1_700_000_000_000_000L, 1, null, null, null, null, null, null, null, false,
                List.of(), 0, 0, 0, MessageStatus.NONE, 0, null, false, false, false, false, "syn", null, false,
                List.of(), false, null);
    }

    private static JsonNode written(TransactionRecord r) throws Exception {
        Path file = Files.createTempFile("smtp", ".jsonl");
        try (TransactionLogWriter w = new TransactionLogWriter(RecordFile.open(Output.SMTP, file, true, new OutputStats()), "sensor-a")) {
            w.write(connection(), r);
        }
        String text = Files.readString(file);
        Files.delete(file);
        assertThat(text).endsWith("\n").hasLineCount(1);
        return SafeJson.mapper().readTree(text);
    }

    private static List<String> keys(JsonNode n) {
        List<String> keys = new ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void aLineWithNothingOptionalStillHasEveryKey() throws Exception {
        JsonNode line = written(bare());
        // The keys README promised on every line and that used to appear only when set.
        assertThat(keys(line)).contains("mail_params", "authzid", "inner_vlan", "rcpt_not_listed");
        assertThat(line.get("mail_params").isNull()).isTrue();
        assertThat(line.get("authzid").isNull()).isTrue();
        assertThat(line.get("inner_vlan").asInt(-1)).isZero();
        assertThat(line.get("rcpt_not_listed").asInt(-1)).isZero();
        assertThat(keys(line)).isEqualTo(TransactionLogWriter.FIELDS.stream().map(TransactionLogWriter.Field::name).toList());
    }

    @Test
    void theKeysAreUniqueSnakeCaseAndTheReadmeTableIsTheDeclaration() {
        List<String> names = TransactionLogWriter.FIELDS.stream().map(TransactionLogWriter.Field::name).toList();
        assertThat(names).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-z][a-z0-9_]*"));
        assertThat(ReadmeTables.table("| field | meaning |"))
                .as("README's smtp.jsonl table; regenerate it from TransactionLogWriter.readmeTable()")
                .isEqualTo(TransactionLogWriter.readmeTable());
    }
}
