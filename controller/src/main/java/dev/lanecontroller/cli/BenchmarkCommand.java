package dev.lanecontroller.cli;

import dev.lanecontroller.bench.Benchmarks;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "benchmark", description = "Measures list import, card lookups and decision latency (docs/performance.md).")
final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--cards", defaultValue = "3000000", description = "entries on the list")
    int cards;

    @Option(names = "--transactions", defaultValue = "100000", description = "decisions to time")
    int transactions;

    @Option(names = "--dir", defaultValue = "target/benchmark", description = "where the benchmark database goes")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Benchmarks.run(dir, cards, transactions, System.out);
        return 0;
    }
}
