package dev.lanecontroller.sim;

import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.store.CardRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes plausible vehicles from a catalogue of listed cards: mostly members in good standing with
 * their registered plate, now and then an unknown card, an inactive one, a lookout, a car with no
 * card, a plate misread or not registered, and a mix of driver behaviours.
 */
public final class TrafficGenerator {
    private final List<CardRecord> active = new ArrayList<>();
    private final List<CardRecord> inactive = new ArrayList<>();
    private final List<CardRecord> lookouts = new ArrayList<>();
    private final SplittableRandom random;
    private final boolean misbehaving;

    /** {@code misbehaving}: tailgaters, drivers who stop under the arm or back out; off for a tidy demo. */
    public TrafficGenerator(List<CardRecord> catalogue, SplittableRandom random, boolean misbehaving) {
        for (CardRecord card : catalogue) {
            if (card.lookout()) {
                lookouts.add(card);
            } else if (card.status() == CardStatus.ACTIVE && card.expiresWallMs() == Long.MAX_VALUE) {
                active.add(card);
            } else {
                inactive.add(card);
            }
        }
        if (active.isEmpty()) {
            throw new IllegalArgumentException("the catalogue has no active card without expiry to make members from");
        }
        this.random = random;
        this.misbehaving = misbehaving;
    }

    /** The wait until the next vehicle arrives (exponential: arrivals at random, at the given rate). */
    public long nextGapMs(double vehiclesPerHour) {
        double meanMs = 3_600_000.0 / vehiclesPerHour;
        return Math.max(500, Math.round(-Math.log(1.0 - random.nextDouble()) * meanMs));
    }

    public VehicleSpec next() {
        double kind = random.nextDouble();
        List<CardRecord> cards = new ArrayList<>();
        int occupants = 1 + (random.nextDouble() < 0.4 ? random.nextInt(3) : 0);
        for (int i = 0; i < occupants; i++) {
            cards.add(pick(active));
        }
        List<TagRead> tags = new ArrayList<>();
        boolean noCard = kind < 0.03;
        if (!noCard) {
            for (CardRecord card : cards) {
                tags.add(new TagRead(card.epcHex(), card.tidHex(), 1 + random.nextInt(2), -40 - random.nextInt(30)));
            }
        }
        if (kind >= 0.03 && kind < 0.06) {
            tags.add(new TagRead(String.format("E2801160%016X", random.nextLong()), null, 1, -50));
        } else if (kind >= 0.06 && kind < 0.08 && !inactive.isEmpty()) {
            CardRecord card = pick(inactive);
            tags.add(new TagRead(card.epcHex(), card.tidHex(), 1, -50));
        } else if (kind >= 0.08 && kind < 0.09 && !lookouts.isEmpty()) {
            CardRecord card = pick(lookouts);
            tags.add(new TagRead(card.epcHex(), card.tidHex(), 1, -50));
        }
        String[] plate = plateOf(cards.get(0));
        String misread = null;
        if (kind >= 0.09 && kind < 0.11) {
            plate = new String[] {"ON", "ZZZ" + (100 + random.nextInt(900))};
        } else if (kind >= 0.11 && kind < 0.14 && plate != null) {
            misread = plate[1].substring(0, plate[1].length() - 1) + "8";
        }
        if (kind >= 0.14 && kind < 0.16) {
            plate = null;
        }
        Behaviour behaviour = misbehaving ? behaviour() : Behaviour.NORMAL;
        double speed = behaviour == Behaviour.SLOW ? 2 + random.nextDouble() * 3 : 8 + random.nextDouble() * 12;
        double length = random.nextDouble() < 0.1 ? 8 + random.nextDouble() * 10 : 3.5 + random.nextDouble() * 2;
        return new VehicleSpec(tags, plate == null ? null : plate[1], plate == null ? null : plate[0], misread, length, speed,
                behaviour, 5_000 + random.nextInt(60_000), 2_000 + random.nextInt(20_000));
    }

    /**
     * A driver who follows the vehicle in front under its arm, bumper to bumper: a member's car (so
     * the camera reads a plate) or, now and then, one with no card. Added right behind another.
     */
    public VehicleSpec nextCloseTailgater() {
        VehicleSpec car = next();
        List<TagRead> tags = random.nextDouble() < 0.3 ? List.of() : car.tags();
        return new VehicleSpec(tags, car.plateText(), car.plateJurisdiction(), null, car.lengthM(), car.speedKmh(), Behaviour.TAILGATER,
                car.patienceMs(), car.pauseMs());
    }

    private Behaviour behaviour() {
        double b = random.nextDouble();
        if (b < 0.80) {
            return Behaviour.NORMAL;
        }
        if (b < 0.85) {
            return Behaviour.SLOW;
        }
        if (b < 0.90) {
            return Behaviour.STOPS_ON_SAFETY;
        }
        if (b < 0.95) {
            return Behaviour.TAILGATER;
        }
        return Behaviour.BACKS_OUT;
    }

    private CardRecord pick(List<CardRecord> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static String[] plateOf(CardRecord card) {
        if (card.plates().isEmpty()) {
            return null;
        }
        String key = card.plates().stream().sorted().findFirst().orElseThrow();
        int colon = key.indexOf(':');
        return new String[] {key.substring(0, colon), key.substring(colon + 1)};
    }
}
