package org.initbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
