package org.initbench.report;

import java.util.Comparator;
import org.initbench.experiment.Recipe;

/**
 * One column of the report: runs of one arch on one dataset with one recipe. Runs in different
 * columns are never averaged together.
 *
 * @param arch architecture id
 * @param dataset dataset id
 * @param recipe the rest of the training recipe (its {@link RecipeFields} label the column)
 */
public record ColumnKey(String arch, String dataset, Recipe recipe) {

    /** Arch, then dataset, then recipe. */
    public static final Comparator<ColumnKey> ORDER = Comparator.comparing(ColumnKey::arch)
            .thenComparing(ColumnKey::dataset)
            .thenComparing(ColumnKey::recipe, RecipeFields.ORDER);

    /** {@code arch/dataset}. */
    public String base() {
        return arch + "/" + dataset;
    }
}
