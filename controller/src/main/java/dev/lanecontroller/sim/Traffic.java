package dev.lanecontroller.sim;

import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.PlateReport;
import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.hal.sim.SimLane;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * Vehicles moving through the simulated lane in 100 ms physics ticks: they set the loops, are read
 * by the reader and the camera, and obey (or not, by their behaviour) the signal and the arm.
 * Runs on the scheduler's thread only.
 */
public final class Traffic {
    static final long TICK_MS = 100;
    /** A queue longer than this is a simulation gone wrong (vehicles never leaving), not traffic. */
    public static final int VEHICLES_IN_LANE_MAX = 200;
    private static final double READ_PROBABILITY_PER_TICK = 0.4;
    private static final double REVERSE_SPEED_MPS = 1.5;

    private static final Comparator<Vehicle> FRONT_MOST_FIRST = Comparator.comparingDouble((Vehicle v) -> v.frontM).reversed();

    private final Scheduler scheduler;
    private final SimLane lane;
    private final SplittableRandom random;
    private final double foreignReadProbabilityPerTick;
    private final List<Vehicle> vehicles = new ArrayList<>();
    private BiConsumer<VehicleSpec, Long> gateLineCrossed = (spec, atMs) -> { };
    private boolean ticking;
    private long vehiclesDone;
    private long vehiclesBackedOut;

    private static final class Vehicle {
        final VehicleSpec spec;
        double frontM = Road.ENTRY_M;
        boolean committed;
        boolean reversing;
        boolean plateSeen;
        boolean plateLost;
        boolean paused;
        long waitingSinceMs = -1;
        long pausedUntilMs = -1;

        Vehicle(VehicleSpec spec) {
            this.spec = spec;
        }

        double rearM() {
            return frontM - spec.lengthM();
        }

        double speedMps() {
            return spec.speedKmh() / 3.6;
        }
    }

    /** {@code foreignReadProbabilityPerTick}: reads of cards in the next lane leaking in, per tick. */
    public Traffic(Scheduler scheduler, SimLane lane, SplittableRandom random, double foreignReadProbabilityPerTick) {
        this.scheduler = scheduler;
        this.lane = lane;
        this.random = random;
        this.foreignReadProbabilityPerTick = foreignReadProbabilityPerTick;
    }

    public void add(VehicleSpec spec) {
        if (vehicles.size() >= VEHICLES_IN_LANE_MAX) {
            throw new IllegalStateException("more than " + VEHICLES_IN_LANE_MAX + " vehicles queued in the simulated lane");
        }
        vehicles.add(new Vehicle(spec));
        if (!ticking) {
            ticking = true;
            scheduler.after(TICK_MS, this::tick);
        }
    }

    /**
     * Tells {@code listener} of every vehicle whose front passes under the arm, going forward, with
     * the time: what a test holds the lane's record against (a vehicle through without a decision).
     */
    public void onGateLineCrossed(BiConsumer<VehicleSpec, Long> listener) {
        gateLineCrossed = listener;
    }

    /**
     * An officer turns back the vehicle waiting at the stop line, if one is (to be dealt with by
     * hand, e.g. one the lane will not decide again after a power cut): it reverses out of the
     * lane. True when there was one.
     */
    public boolean turnBackTheWaitingVehicle() {
        Vehicle waiting = vehicles.stream().filter(v -> !v.committed && !v.reversing && v.waitingSinceMs >= 0).max(FRONT_MOST_FIRST.reversed())
                .orElse(null);
        if (waiting == null) {
            return false;
        }
        waiting.reversing = true;
        return true;
    }

    public int vehiclesInLane() {
        return vehicles.size();
    }

    public long vehiclesDone() {
        return vehiclesDone;
    }

    public long vehiclesBackedOut() {
        return vehiclesBackedOut;
    }

    private void tick() {
        long now = scheduler.nowMs();
        vehicles.sort(FRONT_MOST_FIRST);
        double dt = TICK_MS / 1000.0;
        Vehicle ahead = null;
        for (Vehicle v : vehicles) {
            move(v, ahead, now, dt);
            ahead = v;
        }
        vehicles.removeIf(v -> {
            boolean gone = v.rearM() > Road.LEAVE_M || (v.reversing && v.frontM < Road.ENTRY_M);
            if (gone) {
                vehiclesDone++;
                if (v.reversing) {
                    vehiclesBackedOut++;
                }
            }
            return gone;
        });
        updateLoops();
        readCardsAndPlates();
        if (vehicles.isEmpty()) {
            ticking = false;
        } else {
            scheduler.after(TICK_MS, this::tick);
        }
    }

    private void move(Vehicle v, Vehicle ahead, long now, double dt) {
        if (v.reversing) {
            v.frontM -= REVERSE_SPEED_MPS * dt;
            return;
        }
        if (v.paused) {
            if (now < v.pausedUntilMs) {
                return;
            }
            v.paused = false;
        }
        double limit = Double.MAX_VALUE;
        boolean tailgater = v.spec.behaviour() == Behaviour.TAILGATER;
        if (ahead != null) {
            limit = ahead.rearM() - (tailgater ? 0.3 : 1.5);
        }
        if (!v.committed) {
            boolean mayGo = tailgater
                    ? lane.gate.openFraction() > 0.3
                    : lane.gate.isFullyOpen() && lane.signal.aspect() == SignalAspect.PROCEED
                            && (ahead == null || ahead.rearM() > Road.EXIT_END_M + 2);
            if (!mayGo) {
                limit = Math.min(limit, Road.STOP_LINE_M);
                if (v.frontM >= Road.STOP_LINE_M - 0.5) {
                    if (v.waitingSinceMs < 0) {
                        v.waitingSinceMs = now;
                    }
                    if (v.spec.behaviour() == Behaviour.BACKS_OUT && now - v.waitingSinceMs > v.spec.patienceMs()) {
                        v.reversing = true;
                        return;
                    }
                }
            }
        }
        double next = Math.min(v.frontM + v.speedMps() * dt, limit);
        if (next > v.frontM) {
            if (v.frontM < Road.GATE_LINE_M && next >= Road.GATE_LINE_M) {
                gateLineCrossed.accept(v.spec, now);
            }
            v.frontM = next;
        }
        if (v.frontM > Road.STOP_LINE_M + 0.01) {
            v.committed = true;
        }
        if (v.spec.behaviour() == Behaviour.STOPS_ON_SAFETY && v.committed && v.pausedUntilMs < 0
                && v.frontM > Road.SAFETY_START_M + 1.0) {
            v.paused = true;
            v.pausedUntilMs = now + v.spec.pauseMs();
        }
    }

    private void updateLoops() {
        setLoop(LoopId.ARMING, Road.ARMING_START_M, Road.ARMING_END_M);
        setLoop(LoopId.SAFETY, Road.SAFETY_START_M, Road.SAFETY_END_M);
        setLoop(LoopId.EXIT, Road.EXIT_START_M, Road.EXIT_END_M);
        setLoop(LoopId.PHOTO_EYE, Road.GATE_LINE_M - Road.PHOTO_EYE_BEAM_M / 2, Road.GATE_LINE_M + Road.PHOTO_EYE_BEAM_M / 2);
    }

    private void setLoop(LoopId id, double start, double end) {
        if (!lane.hasLoop(id)) {
            return;
        }
        boolean occupied = false;
        for (Vehicle v : vehicles) {
            occupied |= Road.overlaps(v.frontM, v.spec.lengthM(), start, end);
        }
        lane.loop(id).setOccupied(occupied);
    }

    private void readCardsAndPlates() {
        for (Vehicle v : vehicles) {
            if (v.frontM >= Road.READ_ZONE_START_M && v.frontM <= Road.READ_ZONE_END_M) {
                for (TagRead tag : v.spec.tags()) {
                    if (random.nextDouble() < READ_PROBABILITY_PER_TICK) {
                        lane.tagReader.read(tag);
                    }
                }
            }
            if (v.spec.plateText() != null && !v.plateSeen && v.frontM >= Road.PLATE_CAMERA_M && !v.reversing) {
                v.plateSeen = true;
                String first = v.spec.plateMisread() != null ? v.spec.plateMisread() : v.spec.plateText();
                lane.plateReader.report(new PlateReport(first, v.spec.plateJurisdiction(), 90, PlateEventKind.NEW));
                if (v.spec.plateMisread() != null) {
                    VehicleSpec spec = v.spec;
                    scheduler.after(300, () -> lane.plateReader.report(
                            new PlateReport(spec.plateText(), spec.plateJurisdiction(), 97, PlateEventKind.UPDATE)));
                }
            }
            if (v.plateSeen && !v.plateLost && v.frontM >= Road.PLATE_LOST_M) {
                v.plateLost = true;
                lane.plateReader.report(new PlateReport(v.spec.plateText(), v.spec.plateJurisdiction(), 97, PlateEventKind.LOST));
            }
        }
        if (!vehicles.isEmpty() && random.nextDouble() < foreignReadProbabilityPerTick) {
            // A card in the next lane: its reader's antenna, or ours at the edge of its range.
            boolean weak = random.nextBoolean();
            lane.tagReader.read(new TagRead(String.format("E2800000%016X", random.nextLong()), null, weak ? 1 : 9,
                    weak ? -91 - random.nextInt(10) : -55));
        }
    }
}
