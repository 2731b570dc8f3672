package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.PlateReader;
import dev.lanecontroller.hal.PlateReport;
import java.util.function.Consumer;

/** A camera that reports the plates the simulation shows it. */
public final class SimPlateReader implements PlateReader {
    private final Listeners<PlateReport> listeners = new Listeners<>();

    @Override
    public void onReport(Consumer<PlateReport> listener) {
        listeners.add(listener);
    }

    public void report(PlateReport report) {
        listeners.notifyAll(report);
    }
}
