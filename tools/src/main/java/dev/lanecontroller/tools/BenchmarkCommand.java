package dev.lanecontroller.tools;

import dev.lanecontroller.tools.bench.Benchmarks;
import dev.lanecontroller.tools.bench.LinkBenchmarks;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "benchmark", description = "Measures list import, card lookups and decision latency; with --broker, the central "
        + "link: backlog drain, journal bursts, snapshot apply (docs/performance.md).")
final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--cards", defaultValue = "3000000", description = "entries on the list")
    int cards;

    @Option(names = "--transactions", defaultValue = "100000", description = "decisions to time")
    int transactions;

    @Option(names = "--dir", defaultValue = "target/benchmark", description = "where the benchmark database goes")
    Path dir;

    @Option(names = "--broker", description = "run the central-link benchmarks against this broker (e.g. a local Mosquitto, tcp://127.0.0.1:1883)")
    String broker;

    @Option(names = "--events", defaultValue = "100000", description = "backlog events to drain (with --broker)")
    int events;

    @Option(names = "--window", defaultValue = "256", description = "in-flight window (with --broker)")
    int window;

    @Option(names = "--snapshot-only", description = "with --broker: only the snapshot apply and the decisions during it")
    boolean snapshotOnly;

    @Option(names = "--monitor-clients", defaultValue = "0", description = "time the decisions with this many lane-monitor pages "
            + "streaming and with none, in alternating phases of one run (docs/performance.md)")
    int monitorClients;

    @Option(names = "--wear-vehicles", defaultValue = "0", description = "instead: run the daemon on a simulated lane for this many "
            + "vehicles in real time and report the bytes written to the device per event and per vehicle (docs/performance.md)")
    int wearVehicles;

    @Option(names = "--wear-rate", defaultValue = "720", description = "vehicles an hour for --wear-vehicles (default ${DEFAULT-VALUE})")
    double wearRate;

    @Option(names = "--wear-list-cards", defaultValue = "2000", description = "cards on the demo list for --wear-vehicles (default ${DEFAULT-VALUE})")
    int wearListCards;

    @Option(names = "--footprint", description = "instead: start this daemon jar (lane-controller.jar) as the unit does, with a list of "
            + "--cards in force and no traffic, and report its start time, memory, threads and idle CPU, without and with an AppCDS archive")
    Path footprintJar;

    @Option(names = "--footprint-heap", description = "the daemon's -Xmx for --footprint (default: the unit's)")
    String footprintHeap;

    @Option(names = "--footprint-unit", defaultValue = "systemd/lane-controller.service", description = "the unit whose JVM options "
            + "--footprint starts the daemon with (default ${DEFAULT-VALUE})")
    Path footprintUnit;

    @Option(names = "--jvm-option", description = "for --footprint: a JVM option for the daemon besides the unit's (repeatable), e.g. "
            + "-XX:+UseSerialGC")
    java.util.List<String> jvmOptions = new java.util.ArrayList<>();

    @Option(names = "--idle-seconds", defaultValue = "60", description = "how long --footprint watches the idle daemon's CPU (default ${DEFAULT-VALUE})")
    int idleSeconds;

    @Override
    public Integer call() throws Exception {
        if (footprintJar != null) {
            dev.lanecontroller.tools.bench.FootprintBenchmark.run(dir, footprintJar, footprintUnit, cards, footprintHeap, jvmOptions, idleSeconds, System.out);
        } else if (wearVehicles > 0) {
            dev.lanecontroller.tools.bench.WearBenchmark.run(dir, wearVehicles, wearRate, wearListCards, System.out);
        } else if (broker != null) {
            if (snapshotOnly) {
                LinkBenchmarks.snapshotOnly(dir, broker, cards, System.out);
            } else {
                LinkBenchmarks.run(dir, broker, events, window, cards, System.out);
            }
        } else {
            Benchmarks.run(dir, cards, transactions, monitorClients, System.out);
        }
        return 0;
    }
}
