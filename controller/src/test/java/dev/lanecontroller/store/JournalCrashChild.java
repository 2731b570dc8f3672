package dev.lanecontroller.store;

import dev.lanecontroller.core.Now;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Run in a child JVM by JournalDurabilityTest: journals forever, printing each seq once it is durable ("actuated"). */
public final class JournalCrashChild {
    public static void main(String[] args) {
        SqliteJournal journal = new SqliteJournal(Database.open(Path.of(args[0])), args[1]);
        for (long i = 0; ; i++) {
            List<JournalEntry> done = journal.append(List.of(
                    new EventDraft("DECISION", Map.of("transactionId", i, "outcome", "CLEARED"), new Now(i, i, true)),
                    new EventDraft("PASSAGE", Map.of("transactionId", i), new Now(i, i, true))));
            System.out.println("ACTUATED " + done.get(done.size() - 1).seq());
            System.out.flush();
        }
    }
}
