package dev.lanecontroller.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Log lines as journald keeps them well: one line per record (journald adds the time), the level,
 * the class, the message; no colours. Card numbers (runs of 16 or more hex digits) are shortened to
 * their first and last four digits (DESIGN §8): the journal holds them, the logs do not.
 */
public final class LogFormat extends Formatter {
    private static final Pattern CARD_NUMBER = Pattern.compile("\\b([0-9A-Fa-f]{4})[0-9A-Fa-f]{8,}([0-9A-Fa-f]{4})\\b");

    /** Puts this format on the root logger's console handler (stderr), once, at the start of the process. */
    public static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new LogFormat());
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
    }

    /** Shortens every card number in the text. */
    public static String redact(String text) {
        return text == null ? null : CARD_NUMBER.matcher(text).replaceAll("$1…$2");
    }

    @Override
    public String format(LogRecord record) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        StringBuilder line = new StringBuilder(128);
        line.append(record.getLevel().getName()).append(' ').append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ")
                .append(redact(formatMessage(record)).replace('\n', ' '));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            // One line still: journald keeps a record per line, and a stack trace belongs to its record.
            line.append(" | ").append(redact(trace.toString()).replace("\n", " | ").replace("\t", ""));
        }
        return line.append(System.lineSeparator()).toString();
    }
}
