package org.initbench;

/**
 * Bad user input: an unknown name, a malformed spec, a missing, truncated or corrupt data file, a
 * checksum mismatch, an unwritable output. The CLI prints the message as one line on stderr and
 * exits with code 2; nothing already written is lost.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
