package dev.lanecontroller.hal.llrp;

/** Bytes that are not the LLRP they claim to be, or a reader that refused a request. */
final class LlrpException extends Exception {
    private static final long serialVersionUID = 1L;

    public LlrpException(String message) {
        super(message);
    }
}
