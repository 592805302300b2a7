package org.initbench.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A request to stop a run at its next safe point: the end of the current training step, where the
 * run writes a checkpoint of everything (mid-epoch position included) and returns {@link
 * RunResult#INTERRUPTED}; the next attempt resumes from there to the result an uninterrupted run
 * gives. {@link #onSignals} turns Slurm's warnings into such a request: {@code SIGUSR1} (sbatch
 * {@code --signal=B:USR1@S} before the time limit, {@code scancel --signal=USR1}) and {@code
 * SIGTERM} (preemption, {@code scancel}). Closing restores the previous signal handlers.
 */
public final class StopRequest implements AutoCloseable {
    /** Exit status of a process whose run stopped on request (sysexits' EX_TEMPFAIL: retry later). */
    public static final int EXIT_CODE = 75;

    private volatile String reason;
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    /** A request nobody has made yet; {@link #request} makes it. */
    public StopRequest() {}

    /** A request made by the first {@code SIGUSR1} or {@code SIGTERM} this process receives. */
    public static StopRequest onSignals() {
        StopRequest r = new StopRequest();
        for (String name : new String[] {"USR1", "TERM"}) {
            Signal s = new Signal(name);
            r.previous.put(s, Signal.handle(s, sig -> r.request("SIG" + sig.getName())));
        }
        return r;
    }

    /** Asks the run to stop at its next safe point; the first reason given is kept. */
    public void request(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    public boolean requested() {
        return reason != null;
    }

    /** What asked for the stop (e.g. {@code SIGUSR1}), or null. */
    public String reason() {
        return reason;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
