package dev.lanecontroller.sim;

import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.PlateReport;
import dev.lanecontroller.hal.TagRead;
import java.util.List;

/**
 * A simulated vehicle: the cards inside it, its plate (null: the camera reads none), a first
 * misreading the camera later revises (null: read right first time), its size and speed.
 */
public record VehicleSpec(
        List<TagRead> tags,
        String plateText,
        String plateJurisdiction,
        String plateMisread,
        double lengthM,
        double speedKmh,
        Behaviour behaviour,
        long patienceMs,
        long pauseMs) {

    public static final double LENGTH_M_MIN = 2.0;
    public static final double LENGTH_M_MAX = 25.0;
    public static final double SPEED_KMH_MIN = 1.0;
    public static final double SPEED_KMH_MAX = 60.0;

    public VehicleSpec {
        tags = List.copyOf(tags);
        if (lengthM < LENGTH_M_MIN || lengthM > LENGTH_M_MAX) {
            throw new IllegalArgumentException("vehicle length must be " + LENGTH_M_MIN + ".." + LENGTH_M_MAX + " m");
        }
        if (speedKmh < SPEED_KMH_MIN || speedKmh > SPEED_KMH_MAX) {
            throw new IllegalArgumentException("vehicle speed must be " + SPEED_KMH_MIN + ".." + SPEED_KMH_MAX + " km/h");
        }
        // What the camera will report must be a report it can make: checked here, not when the car arrives.
        for (String text : new String[] {plateText, plateMisread}) {
            if (text != null) {
                new PlateReport(text, plateJurisdiction == null ? "" : plateJurisdiction, 95, PlateEventKind.NEW);
            }
        }
    }
}
