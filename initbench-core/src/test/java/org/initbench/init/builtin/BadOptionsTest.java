package org.initbench.init.builtin;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.initbench.BadInputException;
import org.initbench.init.InitRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad option values of the classic schemes fail at resolve time with one clear line. */
class BadOptionsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "orthogonal:gain=x | bad value 'x' for gain; expected a finite number",
        "xavier-normal:gain=inf | expected a finite number",
        "truncated-normal:a=3,b=1 | needs std > 0 and a < b, got std=1.0, a=3.0, b=1.0",
        "truncated-normal:std=0 | needs std > 0",
        "truncated-normal:correct=yes | valid: false, true",
        "truncated-normal:correct=true,std=2 | cannot reach std=2.0 inside [-2.0, 2.0]",
        "truncated-normal:mean=100,a=-1,b=1 | holds no probability mass",
        "normal:std=-1 | std must be >= 0",
        "uniform:a=1,b=0 | needs a <= b",
        "kaiming-uniform:mode=fan_max | valid: fan_in, fan_out, fan_avg, fan_geo_avg",
        "kaiming-uniform:nonlinearity=gelu | valid: linear, conv, sigmoid, tanh, relu, leaky_relu, selu",
        "torchvision:zero-init-residual=yes | valid: false, true",
        "constant:value=NaN | expected a finite number",
        "lecun-normal:gain=2 | unknown option 'gain'; valid: (none)"})
    void failsWithAClearMessage(String spec, String message) {
        assertThatThrownBy(() -> InitRegistry.load().resolve(spec))
                .isInstanceOf(BadInputException.class).hasMessageContaining(message.strip())
                .hasMessageNotContaining("\n");
    }
}
