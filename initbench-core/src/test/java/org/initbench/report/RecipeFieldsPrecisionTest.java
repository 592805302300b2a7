package org.initbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.initbench.experiment.Recipe;
import org.junit.jupiter.api.Test;

/** bf16 runs get their own report column, labelled with their precision. */
class RecipeFieldsPrecisionTest {

    @Test
    void precisionIsAKnobTheReportShowsAndOrdersBy() {
        Recipe bf16 = Recipe.SEED.withPrecision("bf16");
        assertThat(RecipeFields.fields(Recipe.SEED)).containsEntry("precision", "fp32");
        assertThat(RecipeFields.fields(bf16)).containsEntry("precision", "bf16");
        assertThat(RecipeFields.describe(bf16)).contains(", precision=bf16");
        assertThat(RecipeFields.ORDER.compare(Recipe.SEED, bf16)).isNotZero();
    }
}
