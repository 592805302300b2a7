package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.initbench.BadInputException;
import org.initbench.init.builtin.KaimingNormal;
import org.initbench.init.builtin.PytorchDefault;
import org.junit.jupiter.api.Test;

class InitRegistryTest {
    private final InitRegistry registry = InitRegistry.load();

    @Test
    void resolvesDefaultsIntoACanonicalSpec() {
        assertThat(registry.resolve("kaiming-normal").spec()).isEqualTo("kaiming-normal:mode=fan_out,nonlinearity=relu,a=0");
        assertThat(registry.resolve("kaiming-normal:nonlinearity=leaky_relu,mode=fan_in,a=0.2").spec())
                .isEqualTo("kaiming-normal:mode=fan_in,nonlinearity=leaky_relu,a=0.2");
        assertThat(registry.resolve("pytorch-default").spec()).isEqualTo("pytorch-default");
    }

    @Test
    void badSpecsNameTheValidChoices() {
        assertThatThrownBy(() -> registry.resolve("kaiming"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("unknown init 'kaiming'")
                .hasMessageContaining("kaiming-normal").hasMessageContaining("pytorch-default");
        assertThatThrownBy(() -> registry.resolve("fan=in"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("unknown init 'fan=in'")
                .hasMessageContaining("looks like an option cut off its init").hasMessageContaining("quote the spec");
        assertThatThrownBy(() -> registry.resolve("kaiming"))
                .isInstanceOf(BadInputException.class).message().doesNotContain("cut off");
        assertThatThrownBy(() -> registry.resolve("kaiming-normal:fan=fan_in"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("unknown option 'fan'")
                .hasMessageContaining("mode, nonlinearity, a");
        assertThatThrownBy(() -> registry.resolve("kaiming-normal:mode=fan_max"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("valid: fan_in, fan_out, fan_avg, fan_geo_avg");
        assertThatThrownBy(() -> registry.resolve("kaiming-normal:a=x"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("expected a finite number");
        assertThatThrownBy(() -> registry.resolve("kaiming-normal:mode"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("malformed init spec");
        assertThatThrownBy(() -> registry.resolve("pytorch-default:mode=fan_in"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("valid: (none)");
    }

    @Test
    void duplicateIdsFailFast() {
        assertThatThrownBy(() -> InitRegistry.of(List.of(new PytorchDefault(), new PytorchDefault())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("duplicate init id 'pytorch-default'");
    }

    @Test
    void serviceLoaderPluginsAreRegistered() {
        assertThat(registry.providers()).extracting(InitStrategyProvider::id).contains(TestPlugin.ID);
    }

    @Test
    void gainsMatchCalculateGain() {
        assertThat(Fans.gain(Nonlinearity.RELU, 0)).isEqualTo(Math.sqrt(2));
        assertThat(Fans.gain(Nonlinearity.LEAKY_RELU, 0.2)).isEqualTo(Math.sqrt(2 / 1.04));
        assertThat(Fans.gain(Nonlinearity.TANH, 0)).isEqualTo(5.0 / 3);
        assertThat(Fans.gain(Nonlinearity.SELU, 0)).isEqualTo(0.75);
        assertThat(Fans.gain(Nonlinearity.LINEAR, 0)).isEqualTo(1.0);
    }

    @Test
    void fansFollowPytorch() {
        assertThat(Fans.of(new ai.djl.ndarray.types.Shape(32, 16, 3, 3))).isEqualTo(new Fans(144, 288));
        assertThat(Fans.of(new ai.djl.ndarray.types.Shape(96, 1, 3, 3))).isEqualTo(new Fans(9, 864));
        assertThat(Fans.of(new ai.djl.ndarray.types.Shape(10, 64))).isEqualTo(new Fans(64, 10));
        assertThatThrownBy(() -> Fans.of(new ai.djl.ndarray.types.Shape(10))).isInstanceOf(IllegalArgumentException.class);
    }

    /** A user plugin, registered through META-INF/services in the test resources. */
    public static final class TestPlugin implements InitStrategyProvider {
        static final String ID = "test-plugin";

        @Override
        public String id() {
            return ID;
        }

        @Override
        public String summary() {
            return "constant 0.01 weights, zero biases, BN 1/0 (a test plugin)";
        }

        @Override
        public String citation() {
            return "initbench tests";
        }

        @Override
        public boolean randomized() {
            return false;
        }

        @Override
        public InitStrategy create(Map<String, String> options) {
            return ctx -> ctx.network().layers().forEach(l -> l.parameters().forEach((name, p) -> {
                if (p.requiresGradient()) {
                    ctx.fill(l, name, name.equals("weight") ? (l.kind() == org.initbench.model.LayerKind.BATCH_NORM ? 1f : 0.01f) : 0f);
                }
            }));
        }
    }

    @Test
    void kaimingDefaultsAreTheSeedBaseline() {
        assertThat(KaimingNormal.class).isNotNull();
        assertThat(registry.resolve("kaiming-normal").options()).containsEntry("mode", "fan_out").containsEntry("nonlinearity", "relu");
    }
}
