package org.initbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the report names an init: by id, and an init written in a file by its language and file name. */
class AnalysisLabelTest {
    @Test
    void idsOfRegisteredAndFileInits() {
        assertThat(Analysis.idOf("kaiming-normal:mode=fan_out,nonlinearity=relu,a=0")).isEqualTo("kaiming-normal");
        assertThat(Analysis.idOf("torch:/home/me/inits/my_init.py")).isEqualTo("torch:my_init.py");
        assertThat(Analysis.idOf("java:/home/me/MyInit.java:scale=2")).isEqualTo("java:MyInit.java");
        assertThat(Analysis.idOf("not a spec:")).isEqualTo("not a spec:");
    }
}
