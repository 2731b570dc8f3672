/** Benchmarks run by {@code lane-controller benchmark}; their figures live in docs/performance.md. */
package dev.lanecontroller.bench;
