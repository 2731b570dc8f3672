/** Benchmarks run by {@code lane-tools benchmark}; their figures live in docs/performance.md. */
package dev.lanecontroller.tools.bench;
