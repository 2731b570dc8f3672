package dev.lanecontroller.sim;

import java.util.List;

/** A scenario file with problems; every problem names where it is (e.g. steps[3].vehicle.speedKmh). */
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Not serialised: the message carries the problems too. */
    private final transient List<String> problems;

    public ScenarioException(String source, List<String> problems) {
        super(source + ": " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, by its place. */
    public List<String> problems() {
        return problems;
    }
}
