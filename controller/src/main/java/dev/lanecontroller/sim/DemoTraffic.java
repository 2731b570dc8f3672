package dev.lanecontroller.sim;

import dev.lanecontroller.config.SimulatedHardware;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.CardRecord;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The demo's simulated traffic on simulated hardware, and its simulated officer. Demo only (DESIGN
 * §3): the daemon starts it only for {@code hardware.kind: simulated} with {@code traffic: true};
 * nothing else in the controller ever releases a referral.
 */
public final class DemoTraffic {
    /** The simulated officer releases a referred vehicle after this long (a real one takes 10-40 s). */
    static final long OFFICER_DELAY_MS = 8_000;
    /** The actor the simulated officer releases as, in the journal and on the console. */
    public static final String OFFICER = "officer-sim";
    /** Simulated traffic keeps at most this many vehicles queued on the road. */
    private static final int QUEUED_MAX = 10;

    private DemoTraffic() {}

    /** {@code observer} with the simulated officer watching its decisions: each referral released after a short look. */
    public static LaneObserver withOfficer(LaneObserver observer, Scheduler scheduler, Predicate<LaneInput> inbox) {
        return observer.alsoOnEvent(entry -> {
            if (entry.event() instanceof LaneEvent.DecisionMade decision && !decision.cleared()) {
                scheduler.after(OFFICER_DELAY_MS, () -> inbox.test(
                        new LaneInput.Command("sim-release-" + entry.seq(), CommandKind.RELEASE, null, OFFICER)));
            }
        });
    }

    /** Vehicles from the demo list drive up at the configured rate, for as long as the scheduler runs. */
    public static void start(Scheduler scheduler, SimLane lane, List<CardRecord> demoCards, SimulatedHardware settings, long seed,
                             PrintStream console) {
        console.println("simulated traffic: " + settings.vehiclesPerHour() + " vehicles/h from the demo list; a simulated officer ("
                + OFFICER + ") releases each referred vehicle after " + OFFICER_DELAY_MS / 1000 + " s");
        TrafficGenerator generator = new TrafficGenerator(demoCards, new SplittableRandom(seed), false);
        Traffic traffic = new Traffic(scheduler, lane, new SplittableRandom(seed + 1), 0.01);
        double vehiclesPerHour = settings.vehiclesPerHour();
        scheduler.after(generator.nextGapMs(vehiclesPerHour), new Runnable() {
            @Override
            public void run() {
                if (traffic.vehiclesInLane() < QUEUED_MAX) {
                    traffic.add(generator.next());
                }
                scheduler.after(generator.nextGapMs(vehiclesPerHour), this);
            }
        });
    }
}
