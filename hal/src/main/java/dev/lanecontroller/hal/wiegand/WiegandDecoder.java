package dev.lanecontroller.hal.wiegand;

import java.util.function.Consumer;

/**
 * Wiegand 26 and 34 from the edges of its two lines, D0 and D1 (idle high; a short low pulse on D0
 * is a 0, on D1 a 1). A frame ends when the lines stay quiet for the frame gap. Pulse widths,
 * spacing and parity are checked (26-bit: even parity over the first 12 data bits, odd over the
 * last 12; 34-bit: the same over 16 and 16); a frame that fails any check is rejected with the
 * reason, never guessed at. Pure and single-threaded: the driver feeds it edges with their times.
 */
public final class WiegandDecoder {
    /** No Wiegand frame in use is longer than 37 bits; past this the frame is garbage. */
    static final int BITS_MAX = 64;

    /**
     * @param pulseMinUs shorter low pulses are noise
     * @param pulseMaxUs longer ones are not Wiegand (a stuck line, another signal)
     * @param spacingMinUs pulses closer together (start to start) are not Wiegand
     * @param frameGapUs this much quiet ends a frame
     */
    public record Timing(long pulseMinUs, long pulseMaxUs, long spacingMinUs, long frameGapUs) {
        /** The common reader timing: 50-100 µs pulses every 1-2 ms, with generous margins. */
        public static final Timing STANDARD = new Timing(10, 500, 200, 25_000);

        public Timing {
            if (pulseMinUs < 0 || pulseMaxUs <= pulseMinUs || spacingMinUs <= 0 || frameGapUs <= spacingMinUs) {
                throw new IllegalArgumentException("Wiegand timing needs 0 <= pulse min < pulse max, 0 < spacing < frame gap");
            }
        }
    }

    /** What a frame was. */
    public sealed interface Outcome permits Card, Rejected {}

    /** A good frame: its length (26 or 34) and its data bits, parity removed, as upper-case hex. */
    public record Card(int bits, String dataHex) implements Outcome {}

    public record Rejected(String reason) implements Outcome {}

    private final Timing timing;
    private final Consumer<Outcome> outcomes;
    private final long[] lowSinceNanos = {-1, -1};
    private long bits;
    private int count;
    private String problem;
    private long lastPulseStartNanos = -1;
    private long lastEdgeNanos = -1;

    public WiegandDecoder(Timing timing, Consumer<Outcome> outcomes) {
        this.timing = timing;
        this.outcomes = outcomes;
    }

    /** An edge on line 0 (D0) or 1 (D1): {@code high} is the level after it; {@code nanos} a monotonic time. */
    public void edge(int line, boolean high, long nanos) {
        if (line != 0 && line != 1) {
            throw new IllegalArgumentException("Wiegand has lines 0 (D0) and 1 (D1), got " + line);
        }
        idle(nanos);
        lastEdgeNanos = nanos;
        if (!high) {
            if (lowSinceNanos[1 - line] >= 0) {
                fail("D0 and D1 low together");
            }
            if (lastPulseStartNanos >= 0 && nanos - lastPulseStartNanos < timing.spacingMinUs() * 1_000) {
                fail("pulses " + (nanos - lastPulseStartNanos) / 1_000 + " µs apart (at least " + timing.spacingMinUs() + ")");
            }
            lowSinceNanos[line] = nanos;
            lastPulseStartNanos = nanos;
            return;
        }
        if (lowSinceNanos[line] < 0) {
            return; // a rise without its fall: the line was low when we started listening
        }
        long widthUs = (nanos - lowSinceNanos[line]) / 1_000;
        lowSinceNanos[line] = -1;
        if (widthUs < timing.pulseMinUs() || widthUs > timing.pulseMaxUs()) {
            fail("a pulse of " + widthUs + " µs (" + timing.pulseMinUs() + "-" + timing.pulseMaxUs() + " expected)");
        }
        if (count < BITS_MAX) {
            bits = (bits << 1) | line;
        }
        count++;
    }

    /** Ends the frame in progress if the lines have been quiet for the frame gap by {@code nanos}. */
    public void idle(long nanos) {
        if (lastEdgeNanos >= 0 && nanos - lastEdgeNanos >= timing.frameGapUs() * 1_000) {
            finish();
        }
    }

    private void fail(String why) {
        if (problem == null) {
            problem = why;
        }
    }

    private void finish() {
        Outcome outcome;
        if (count == 0 && problem == null) {
            outcome = null; // a lone edge (power-up, a glitch that rose again): nothing was sent
        } else if (problem != null) {
            outcome = new Rejected(problem);
        } else if (count == 26 || count == 34) {
            outcome = checkParity(count);
        } else {
            outcome = new Rejected(count + " bits: neither Wiegand 26 nor 34");
        }
        bits = 0;
        count = 0;
        problem = null;
        lastPulseStartNanos = -1;
        lastEdgeNanos = -1;
        lowSinceNanos[0] = -1;
        lowSinceNanos[1] = -1;
        if (outcome != null) {
            outcomes.accept(outcome);
        }
    }

    /** Bit 0 makes the first half even, the last bit makes the second half odd. */
    private Outcome checkParity(int length) {
        int half = (length - 2) / 2;
        long data = (bits >>> 1) & ((1L << (length - 2)) - 1);
        long firstHalfWithParity = bits >>> (half + 1);
        long secondHalfWithParity = bits & ((1L << (half + 1)) - 1);
        if (Long.bitCount(firstHalfWithParity) % 2 != 0) {
            return new Rejected("Wiegand " + length + ": even parity over the first " + half + " data bits fails");
        }
        if (Long.bitCount(secondHalfWithParity) % 2 != 1) {
            return new Rejected("Wiegand " + length + ": odd parity over the last " + half + " data bits fails");
        }
        String hex = Long.toHexString(data).toUpperCase(java.util.Locale.ROOT);
        int digits = (length - 2) / 4;
        return new Card(length, "0".repeat(Math.max(0, digits - hex.length())) + hex);
    }
}
