package org.initbench.experiment;

import java.util.List;
import org.initbench.data.DatasetName;

/**
 * What a run costs, counted in images seen: epochs × the training images of one epoch. The budget
 * knobs ({@link #KEYS}: epochs, train-subset, test-subset, width) are what a ladder of cheap proxies
 * changes; the other knobs (lr, batch size, norm, …) change the experiment, not its cost.
 */
public final class Budget {
    /** The recipe knobs that set a run's cost, by key ({@link Recipe#keys}). */
    public static final List<String> KEYS = List.of("epochs", "train-subset", "test-subset", "width");

    private Budget() {}

    /**
     * Training images per epoch: the train subset when given, else the whole training split less the
     * images a validation recipe holds out of it.
     */
    public static long trainImages(String dataset, Recipe r) {
        if (r.trainSubset() > 0) {
            return r.trainSubset();
        }
        return DatasetName.parse(dataset).trainImages() - (r.validation() ? r.testSubset() : 0);
    }

    /** Images seen: epochs × {@link #trainImages}. */
    public static long imagesSeen(String dataset, Recipe r) {
        return (long) r.epochs() * trainImages(dataset, r);
    }

    /** Images seen by a run. */
    public static long imagesSeen(TrainSpec s) {
        return imagesSeen(s.dataset(), s.recipe());
    }
}
