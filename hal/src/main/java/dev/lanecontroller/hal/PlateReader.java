package dev.lanecontroller.hal;

import java.util.function.Consumer;

/** A licence-plate camera (LPR/ANPR). */
public interface PlateReader {
    void onReport(Consumer<PlateReport> listener);
}
