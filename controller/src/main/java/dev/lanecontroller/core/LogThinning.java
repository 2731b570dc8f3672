package dev.lanecontroller.core;

/**
 * Which occurrences of a repeating failure deserve a log line: the 1st, 10th, 100th, 1000th…
 * A fault that recurs every second (a full disk, an unreadable file) then tells the log that it
 * goes on without flooding it.
 */
public final class LogThinning {
    private LogThinning() {}

    public static boolean worthLogging(long occurrence) {
        long n = occurrence;
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }
}
