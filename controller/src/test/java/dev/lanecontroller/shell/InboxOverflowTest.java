package dev.lanecontroller.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.ReadFilter;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.RealTimeScheduler;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.MemoryJournal;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A full inbox loses an input; the lane must not run on a wrong picture, so it goes to FAULT. */
class InboxOverflowTest {
    @Test
    void droppedInputsPutTheLaneInFault() throws InterruptedException {
        Inbox inbox = new Inbox();
        for (int i = 0; i < Inbox.CAPACITY + 10; i++) {
            inbox.offer(new LaneInput.ReaderAlive());
        }
        assertTrue(inbox.dropped() == 10);
        CountDownLatch fault = new CountDownLatch(1);
        try (RealTimeScheduler scheduler = new RealTimeScheduler()) {
            SimLane hardware = new SimLane(scheduler, 500, 1_000, true, true);
            LaneShell shell = LaneShell.assemble(LaneSettings.defaults("lane-inbox"), ReadFilter.ACCEPT_ALL, () -> 0.5,
                    hardware.ports(), new MemoryJournal("inbox"), new MemoryClearance(), () -> new Now(scheduler.nowMs(), System.currentTimeMillis(), true),
                    new LaneObserver() {
                        @Override
                        public void onEvent(JournalEntry entry) {
                            if (entry.type().equals("FAULT") && entry.payloadJson().contains("INBOX_FAULT")) {
                                fault.countDown();
                            }
                        }

                        @Override
                        public void onSignal(SignalAspect aspect, Now at) {
                            // Not watched here.
                        }

                        @Override
                        public void onGate(GateDirection direction, Now at) {
                            // Not watched here.
                        }
                    }, inbox::offer);
            try (LaneRunner runner = new LaneRunner(shell, inbox, scheduler::nowMs)) {
                runner.start();
                assertTrue(fault.await(30, TimeUnit.SECONDS), "no INBOX fault was recorded");
            }
        }
    }
}
