package dev.lanecontroller.shell;

import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.ReadFilter;
import java.util.function.Consumer;

/** Subscribes to every input port of a lane and turns each callback into a lane input for the inbox. */
final class HardwareInputs {
    private HardwareInputs() {}

    static void subscribe(LaneHardware hardware, ReadFilter readFilter, Consumer<LaneInput> inbox) {
        hardware.gate().onLimitReached(limit -> inbox.accept(new LaneInput.GateLimitReached(limit)));
        hardware.loops().values().forEach(loop -> {
            // What a detector reports while we subscribe is the state it was in as the lane started.
            java.util.concurrent.atomic.AtomicBoolean subscribing = new java.util.concurrent.atomic.AtomicBoolean(true);
            loop.onChange(occupied -> inbox.accept(new LaneInput.LoopChanged(loop.id(), occupied, subscribing.get())));
            subscribing.set(false);
        });
        hardware.tagReader().onRead(read -> {
            if (readFilter.accepts(read)) {
                // The list entry is looked up on the lane thread, against the list in force then.
                inbox.accept(new LaneInput.TagSeen(read, null));
            } else {
                // A filtered read still proves the reader is alive.
                inbox.accept(new LaneInput.ReaderAlive());
            }
        });
        hardware.tagReader().onHeartbeat(() -> inbox.accept(new LaneInput.ReaderAlive()));
        hardware.tagReader().onTrouble(detail -> inbox.accept(new LaneInput.ReaderTrouble(detail)),
                () -> inbox.accept(new LaneInput.ReaderTroubleEnded()));
        hardware.plateReader().onReport(report -> inbox.accept(new LaneInput.PlateSeen(report)));
        hardware.tamper().onChange(tampered -> inbox.accept(new LaneInput.TamperChanged(tampered)));
        hardware.faults().onFault(fault -> inbox.accept(new LaneInput.HardwareFault(fault.component(), fault.detail())));
    }
}
