package dev.lanecontroller.hal.wiegand;

import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.hal.ListeningTagReader;
import dev.lanecontroller.hal.gpio.GpioPins;
import dev.lanecontroller.hal.gpio.PinSpec;
import java.util.function.LongSupplier;

/**
 * A Wiegand 26/34 reader on two GPIO inputs, as a {@link TagReader}: each good frame is a read of
 * its data bits in hex (26-bit: 6 digits, facility and card; 34-bit: 8), on the configured antenna
 * with RSSI 0 (Wiegand has none). A Wiegand reader is silent while no card is near, so the
 * heartbeat beats every second while both lines idle high; a line held low (a cut cable pulls it
 * down, a shorted one holds it) stops it.
 */
public final class WiegandReader extends ListeningTagReader {
    /**
     * GPIO library events reach Java late and in bursts, so pulse widths measured there mean
     * little: widths and spacing are checked loosely, parity and length strictly.
     */
    public static final WiegandDecoder.Timing LIBRARY_EVENT_TIMING = new WiegandDecoder.Timing(0, 50_000, 1, 60_000);
    static final long HEARTBEAT_MS = 1_000;

    private final Scheduler scheduler;
    private final LongSupplier nanos;
    private final int antenna;
    private final WiegandDecoder decoder;
    private final GpioPins.Input d0;
    private final GpioPins.Input d1;
    private volatile long cards;
    private volatile long rejectedFrames;
    private volatile String lastRejection = "";

    public WiegandReader(GpioPins pins, PinSpec d0Pin, PinSpec d1Pin, int antenna, Scheduler scheduler, LongSupplier nanos,
                         WiegandDecoder.Timing timing) {
        this.scheduler = scheduler;
        this.nanos = nanos;
        this.antenna = antenna;
        this.decoder = new WiegandDecoder(timing, this::onFrame);
        this.d0 = pins.input("reader.wiegand.d0", d0Pin, high -> edge(0, high != d0Pin.activeLow()));
        this.d1 = pins.input("reader.wiegand.d1", d1Pin, high -> edge(1, high != d1Pin.activeLow()));
    }

    public void start() {
        scheduler.after(HEARTBEAT_MS, this::tick);
    }

    public long cards() {
        return cards;
    }

    public long rejectedFrames() {
        return rejectedFrames;
    }

    public String lastRejection() {
        return lastRejection;
    }

    private void tick() {
        if (d0.high() && d1.high()) {
            beat();
        }
        synchronized (this) {
            decoder.idle(nanos.getAsLong());
        }
        scheduler.after(HEARTBEAT_MS, this::tick);
    }

    /** Wiegand lines idle high; a bit is a low pulse: {@code high} here is the line's level. */
    private void edge(int line, boolean high) {
        long now = nanos.getAsLong();
        synchronized (this) {
            decoder.edge(line, high, now);
        }
        scheduler.after(LIBRARY_EVENT_TIMING.frameGapUs() / 1_000 + 1, () -> {
            synchronized (this) {
                decoder.idle(nanos.getAsLong());
            }
        });
    }

    private void onFrame(WiegandDecoder.Outcome outcome) {
        if (outcome instanceof WiegandDecoder.Card card) {
            cards++;
            deliver(new TagRead(card.dataHex(), null, antenna, 0));
        } else if (outcome instanceof WiegandDecoder.Rejected rejected) {
            rejectedFrames++;
            lastRejection = rejected.reason();
        }
    }
}
