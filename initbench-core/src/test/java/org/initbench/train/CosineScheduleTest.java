package org.initbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.initbench.BadInputException;
import org.junit.jupiter.api.Test;

class CosineScheduleTest {

    /** torch.optim.lr_scheduler.CosineAnnealingLR(SGD(lr=0.1), T_max=5), lr read before each epoch's step. */
    @Test
    void matchesTorchCosineAnnealingPerEpoch() {
        double[] torch = {0.1, 0.09045084971874738, 0.06545084971874737, 0.03454915028125263, 0.009549150281252633};
        CosineSchedule s = new CosineSchedule(0.1, 5);
        for (int e = 0; e < torch.length; e++) {
            assertThat(s.lr(e)).as("epoch %d", e).isCloseTo(torch[e], within(1e-12));
        }
    }

    @Test
    void halfwayIsHalfTheBaseRate() {
        assertThat(new CosineSchedule(0.1, 200).lr(100)).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void withoutWarmupEveryStepTrainsAtTheEpochsRate() {
        CosineSchedule s = new CosineSchedule(0.1, 5);
        assertThat(s.lr(0, 0, 10)).isEqualTo(s.lr(0));
        assertThat(s.lr(3, 7, 10)).isEqualTo(s.lr(3));
    }

    /** Two warm-up epochs of 4 steps: step t of the first 8 trains at lr_e·(t+1)/8, then at lr_e. */
    @Test
    void warmupRampsLinearlyPerStepIntoTheCosine() {
        CosineSchedule s = new CosineSchedule(0.1, 5, 2);
        assertThat(s.lr(0, 0, 4)).isCloseTo(0.1 / 8, within(1e-15));
        assertThat(s.lr(0, 3, 4)).isCloseTo(0.1 * 4 / 8, within(1e-15));
        assertThat(s.lr(1, 0, 4)).isCloseTo(s.lr(1) * 5 / 8, within(1e-15));
        assertThat(s.lr(1, 3, 4)).isCloseTo(s.lr(1), within(1e-15));
        assertThat(s.lr(2, 0, 4)).isEqualTo(s.lr(2));
        assertThat(s.lr(1, 3, 4)).isLessThan(0.1); // the ramp ends at the cosine's value, not at lr0
    }

    @Test
    void aWarmupOutsideTheRunIsBadInput() {
        assertThatThrownBy(() -> new CosineSchedule(0.1, 5, -1)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--warmup-epochs");
        assertThatThrownBy(() -> new CosineSchedule(0.1, 5, 6)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("got 6");
    }
}
