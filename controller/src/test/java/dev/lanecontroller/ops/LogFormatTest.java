package dev.lanecontroller.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** One line per record, and no card number in full. */
class LogFormatTest {
    @Test
    void aRecordIsOneLineWithItsCardNumbersShortened() {
        LogRecord record = new LogRecord(Level.WARNING, "card E2000017000000000000ABCD is to be removed\nbut is not on NEXUS v6");
        record.setLoggerName("dev.lanecontroller.link.ListReceiver");
        record.setThrown(new IllegalStateException("lookup of E2000017000000000000ABCD failed"));
        String line = new LogFormat().format(record);
        assertTrue(line.startsWith("WARNING ListReceiver: card E200…ABCD is to be removed but is not on NEXUS v6 | "), line);
        assertFalse(line.contains("E2000017000000000000ABCD"), line);
        assertEquals(1, line.split("\n", -1).length - 1, "exactly one line: " + line);
        assertEquals("list v12, seq 123456", LogFormat.redact("list v12, seq 123456"), "short numbers stay as they are");
    }
}
