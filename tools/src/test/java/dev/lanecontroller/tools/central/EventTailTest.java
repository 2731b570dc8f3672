package dev.lanecontroller.tools.central;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tail dedupes, and tells a gap still in the lane's backlog from one that needs a REPLAY. */
class EventTailTest {
    private static final String TOPIC = "lc/v1/s/l/events";

    @Test
    void duplicatesAreDroppedAndGapsAreExplained() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EventTail tail = new EventTail(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false);
        for (long seq : new long[] {1, 2, 2, 5, 6}) {
            tail.accept(TOPIC, event(seq));
        }
        tail.accept("lc/v1/s/l/status", status(3));
        tail.accept("lc/v1/s/l/status", status(0));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("2 events missing from #3 (still in the lane's backlog)"), out);
        assertTrue(out.contains("send a REPLAY 3..4"), out);
        tail.accept(TOPIC, event(3));
        tail.accept(TOPIC, event(4));
        assertTrue(tail.summary().startsWith("6 events, 1 duplicates dropped, 0 missing"), tail.summary());
    }

    @Test
    void aMemberOfASharedGroupSeesOnlyItsShareAndReportsNoGaps() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EventTail tail = new EventTail(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, true);
        for (long seq : new long[] {1, 4, 4, 9}) {
            tail.accept(TOPIC, event(seq));
        }
        tail.accept("lc/v1/s/l/status", status(0));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(!out.contains("missing"), out);
        assertTrue(tail.summary().startsWith("3 events (this member's share of its group), 1 duplicates dropped"), tail.summary());
    }

    private static byte[] event(long seq) {
        return ("{\"schema\":\"lane-event/1\",\"site\":\"s\",\"lane\":\"l\",\"journalId\":\"j\",\"seq\":" + seq
                + ",\"type\":\"PASSAGE\",\"delivery\":\"live\",\"details\":{}}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] status(long oldestUnsent) {
        return ("{\"schema\":\"lane-status/1\",\"site\":\"s\",\"lane\":\"l\",\"journalId\":\"j\",\"state\":\"online\",\"mode\":\"AUTOMATED\","
                + "\"journal\":{\"lastSeq\":6,\"unsent\":2,\"oldestUnsentSeq\":" + oldestUnsent + "}}").getBytes(StandardCharsets.UTF_8);
    }
}
