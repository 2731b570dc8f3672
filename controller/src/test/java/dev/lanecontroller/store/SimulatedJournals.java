package dev.lanecontroller.store;

import java.util.function.LongSupplier;

/**
 * The SQLite journal as a simulation runs it (issue 18), for tests in other packages: no thread of
 * its own, its housekeeping in virtual time, and the process dying at a power cut.
 */
public final class SimulatedJournals {
    private SimulatedJournals() {
    }

    /** A journal whose housekeeping (acknowledgements written down, WAL checkpoints) runs only on {@link #housekeep}. */
    public static SqliteJournal open(Database database, String bootId, LongSupplier monoNs) {
        return new SqliteJournal(database, bootId, monoNs, false);
    }

    /** A second of the journal's housekeeping. */
    public static void housekeep(SqliteJournal journal) {
        journal.housekeep();
    }

    /** The process dies: what was committed stays, acknowledgements not written down yet are lost. */
    public static void powerCut(SqliteJournal journal) {
        journal.dieWithoutWritingDown();
    }
}
