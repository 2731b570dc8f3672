package dev.lanecontroller.store;

/** A list file has a bad record: the message names the file's line and what is wrong with it. */
public final class ListFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long line;

    public ListFormatException(long line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    public long line() {
        return line;
    }
}
