package org.initbench.init;

import java.util.Map;

/**
 * A strategy that reports what it ran with, for the run's manifest: a {@code torch:} init names its Python and
 * torch versions. Asked after the strategy has run.
 */
public interface InitProvenance {
    /** What to record, e.g. {@code {"python": "/usr/bin/python3", "torch": "1.13.1"}}. */
    Map<String, Object> provenance();
}
