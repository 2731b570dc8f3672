package dev.lanecontroller.hal.wiegand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Wiegand frames from simulated edge timings: good frames, bad parity, wrong length, timing outside limits. */
class WiegandDecoderTest {
    private final List<WiegandDecoder.Outcome> outcomes = new ArrayList<>();
    private final WiegandDecoder decoder = new WiegandDecoder(WiegandDecoder.Timing.STANDARD, outcomes::add);
    private long nowNanos = 1_000_000_000L;

    /** Sends the bits as 50 µs pulses every 2 ms (a typical reader), then waits out the frame gap. */
    private void send(String bitString, long pulseUs, long spacingUs) {
        for (char bit : bitString.toCharArray()) {
            int line = bit == '1' ? 1 : 0;
            decoder.edge(line, false, nowNanos);
            decoder.edge(line, true, nowNanos + pulseUs * 1_000);
            nowNanos += spacingUs * 1_000;
        }
        nowNanos += 30_000_000L;
        decoder.idle(nowNanos);
    }

    private void send(String bitString) {
        send(bitString, 50, 2_000);
    }

    /** Data bits with their parity: even over the first half in front, odd over the second half behind. */
    static String frame(long data, int dataBits) {
        String bits = String.format("%" + dataBits + "s", Long.toBinaryString(data)).replace(' ', '0');
        String first = bits.substring(0, dataBits / 2);
        String second = bits.substring(dataBits / 2);
        char even = first.chars().filter(c -> c == '1').count() % 2 == 0 ? '0' : '1';
        char odd = second.chars().filter(c -> c == '1').count() % 2 == 0 ? '1' : '0';
        return even + bits + odd;
    }

    @Test
    void goodFramesOf26And34BitsGiveTheirData() {
        // Facility 1, card 12345: the usual H10301 card.
        send(frame((1L << 16) | 12_345, 24));
        send(frame(0xBEEF_1234L, 32));
        assertEquals(List.of(new WiegandDecoder.Card(26, "013039"), new WiegandDecoder.Card(34, "BEEF1234")), outcomes);
    }

    @Test
    void badParityIsRejected() {
        String good = frame(0x00AB_CDEFL, 24);
        send((good.charAt(0) == '0' ? '1' : '0') + good.substring(1));
        String good34 = frame(0x1234_5678L, 32);
        send(good34.substring(0, 33) + (good34.charAt(33) == '0' ? '1' : '0'));
        assertEquals(List.of(new WiegandDecoder.Rejected("Wiegand 26: even parity over the first 12 data bits fails"),
                new WiegandDecoder.Rejected("Wiegand 34: odd parity over the last 16 data bits fails")), outcomes);
    }

    @Test
    void aWrongLengthIsRejected() {
        send(frame(0x00AB_CDEFL, 24).substring(1));
        send(frame(0x00AB_CDEFL, 24) + "1");
        assertEquals(List.of(new WiegandDecoder.Rejected("25 bits: neither Wiegand 26 nor 34"),
                new WiegandDecoder.Rejected("27 bits: neither Wiegand 26 nor 34")), outcomes);
    }

    @Test
    void timingOutsideTheLimitsIsRejected() {
        String good = frame(0x0012_3456L, 24);
        send(good, 2_000, 4_000);     // 2 ms pulses: not Wiegand
        send(good, 5, 2_000);         // 5 µs: noise
        send(good, 50, 100);          // pulses 100 µs apart
        // D0 and D1 low at once (crossed or shorted wiring).
        decoder.edge(0, false, nowNanos);
        decoder.edge(1, false, nowNanos + 10_000);
        decoder.edge(0, true, nowNanos + 50_000);
        decoder.edge(1, true, nowNanos + 60_000);
        nowNanos += 30_000_000L;
        decoder.idle(nowNanos);
        assertEquals(4, outcomes.size(), outcomes.toString());
        outcomes.forEach(outcome -> assertInstanceOf(WiegandDecoder.Rejected.class, outcome));
        assertTrue(((WiegandDecoder.Rejected) outcomes.get(0)).reason().contains("a pulse of 2000 µs"), outcomes.toString());
        assertTrue(((WiegandDecoder.Rejected) outcomes.get(1)).reason().contains("a pulse of 5 µs"), outcomes.toString());
        assertTrue(((WiegandDecoder.Rejected) outcomes.get(2)).reason().contains("100 µs apart"), outcomes.toString());
        assertEquals(new WiegandDecoder.Rejected("D0 and D1 low together"), outcomes.get(3));
    }

    @Test
    void aGoodFrameAfterABadOneIsRead() {
        send("1010", 50, 2_000);
        send(frame(42, 24));
        assertEquals(new WiegandDecoder.Card(26, "00002A"), outcomes.get(1));
    }

    @Test
    void randomEdgesNeverThrow() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 500_000; i++) {
            nowNanos += random.nextLong(0, 40_000_000L);
            decoder.edge(random.nextInt(2), random.nextBoolean(), nowNanos);
        }
        outcomes.forEach(outcome -> assertTrue(outcome instanceof WiegandDecoder.Rejected || outcome instanceof WiegandDecoder.Card));
    }
}
