package org.initbench.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.initbench.BadInputException;
import org.initbench.model.Layer;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java:PATH.java} inits: compiled at run time, validated like registered ones, every mistake one line. */
class JavaSourceInitTest {
    /** The kaiming-normal rule (fan_out, relu) times {@code scale}, in a package, as a provider. */
    static final String SCALED_HE = """
            package my.inits;

            import java.util.List;
            import java.util.Map;
            import org.initbench.init.Fans;
            import org.initbench.init.InitOption;
            import org.initbench.init.InitStrategy;
            import org.initbench.init.InitStrategyProvider;
            import org.initbench.init.Nonlinearity;
            import org.initbench.model.Layer;
            import org.initbench.model.LayerKind;

            public class ScaledHe implements InitStrategyProvider {
                public String id() { return "scaled-he"; }
                public String summary() { return "He normal, fan_out, times scale"; }
                public String citation() { return "a test"; }
                public List<InitOption> options() {
                    return List.of(InitOption.number("scale", "1", "multiplier of the std"));
                }
                public InitStrategy create(Map<String, String> options) {
                    double scale = Double.parseDouble(options.get("scale"));
                    double gain = Fans.gain(Nonlinearity.RELU, 0);
                    return ctx -> {
                        for (Layer layer : ctx.network().layers()) {
                            if (ctx.initScalar(layer)) {
                                continue;
                            }
                            if (layer.kind() == LayerKind.BATCH_NORM) {
                                ctx.fill(layer, "weight", 1f);
                                ctx.fill(layer, "bias", 0f);
                                continue;
                            }
                            ctx.normal(layer, "weight", scale * gain / Math.sqrt(Fans.of(layer).select("fan_out")));
                            if (ctx.has(layer, "bias")) {
                                ctx.fill(layer, "bias", 0f);
                            }
                        }
                    };
                }
            }
            """;

    /** A plain strategy in the default package: every parameter 0.5. */
    static final String HALVES = """
            import org.initbench.init.InitContext;
            import org.initbench.init.InitStrategy;
            import org.initbench.model.Layer;

            public class Halves implements InitStrategy {
                @Override
                public void initialize(InitContext ctx) {
                    for (Layer layer : ctx.network().layers()) {
                        for (String name : layer.parameters().keySet()) {
                            if (!name.startsWith("running")) {
                                ctx.fill(layer, name, 0.5f);
                            }
                        }
                    }
                }
            }
            """;

    @TempDir Path dir;

    private final InitRegistry registry = InitRegistry.load();

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static BadInputException bad(Runnable r) {
        try {
            r.run();
        } catch (BadInputException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e;
        }
        throw new AssertionError("no BadInputException");
    }

    /** Every parameter value (running statistics included) of resnet20 at width 0.25 after {@code init}. */
    private static List<float[]> values(InitStrategy init) {
        Network net = Models.build("resnet20", 3, 10, 0.25);
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Models.materialize(net, m);
            InitContext.apply(net, init, 7);
            for (Layer l : net.layers()) {
                l.parameters().values().forEach(p -> out.add(p.getArray().toFloatArray()));
            }
        }
        return out;
    }

    @Test
    void providerFileGivesTheBuiltInsValuesAndACanonicalSpec() throws IOException {
        Path file = write("ScaledHe.java", SCALED_HE);
        ResolvedInit r = registry.resolve("java:" + file);
        assertThat(r.spec()).isEqualTo("java:" + file.toAbsolutePath() + ":scale=1");
        assertThat(r.id()).isEqualTo("java:" + file.toAbsolutePath());
        assertThat(r.source().sha256()).isEqualTo(InitFile.sha256(file));
        assertThat(r.dataDependent()).isFalse();
        assertThat(values(r.strategy())).containsExactlyElementsOf(values(registry.resolve("kaiming-normal")
                .strategy()));

        ResolvedInit doubled = registry.resolve("java:" + file + ":scale=2");
        assertThat(doubled.spec()).endsWith("ScaledHe.java:scale=2");
        List<float[]> base = values(r.strategy());
        List<float[]> twice = values(doubled.strategy());
        assertThat(twice.get(0)[3]).isEqualTo(2 * base.get(0)[3]).isNotZero();
    }

    @Test
    void providerOptionsAreValidatedAsABuiltInsAre() throws IOException {
        Path file = write("ScaledHe.java", SCALED_HE);
        assertThat(bad(() -> registry.resolve("java:" + file + ":scal=2")).getMessage())
                .contains("unknown option 'scal'", "valid: scale");
        assertThat(bad(() -> registry.resolve("java:" + file + ":scale=big")).getMessage())
                .contains("bad value 'big' for scale", "expected a finite number");
    }

    @Test
    void compilesEachFileOnceAndAgainWhenItChanges() throws IOException {
        Path file = write("ScaledHe.java", SCALED_HE);
        registry.resolve("java:" + file);
        int before = JavaSourceInit.compilations();
        registry.resolve("java:" + file + ":scale=3");
        assertThat(JavaSourceInit.compilations()).isEqualTo(before);
        Files.writeString(file, SCALED_HE + "\n// edited\n");
        registry.resolve("java:" + file);
        assertThat(JavaSourceInit.compilations()).isEqualTo(before + 1);
    }

    @Test
    void plainStrategyInTheDefaultPackageTakesNoOptions() throws IOException {
        Path file = write("Halves.java", HALVES);
        ResolvedInit r = registry.resolve("java:" + file);
        assertThat(r.spec()).isEqualTo("java:" + file.toAbsolutePath());
        assertThat(values(r.strategy()).get(0)).containsOnly(0.5f);
        assertThat(bad(() -> registry.resolve("java:" + file + ":scale=2")).getMessage())
                .contains("takes no options");
    }

    @Test
    void compileErrorIsOneLineWithFileAndLine() throws IOException {
        Path file = write("Broken.java", """
                import org.initbench.init.InitStrategy;

                public class Broken implements InitStrategy {
                    public void initialize(org.initbench.init.InitContext ctx) {
                        undefinedCall(ctx);
                        int x = "no";
                    }
                }
                """);
        assertThat(bad(() -> registry.resolve("java:" + file)).getMessage())
                .startsWith("Broken.java:5: error: cannot find symbol").endsWith("(and 1 more error)");
    }

    @Test
    void missingFileAndClassesOutsideTheApiAreOneLine() throws IOException {
        assertThat(bad(() -> registry.resolve("java:" + dir.resolve("Nope.java"))).getMessage())
                .contains("Nope.java does not exist");
        Path notInit = write("NotInit.java", "public class NotInit { }\n");
        assertThat(bad(() -> registry.resolve("java:" + notInit)).getMessage())
                .contains("NotInit.java: class NotInit implements neither", "InitStrategy");
        Path noCtor = write("NoCtor.java", """
                public class NoCtor implements org.initbench.init.InitStrategy {
                    public NoCtor(int x) { }
                    public void initialize(org.initbench.init.InitContext ctx) { }
                }
                """);
        assertThat(bad(() -> registry.resolve("java:" + noCtor)).getMessage())
                .contains("NoCtor.java: class NoCtor needs a public no-arg constructor");
        Path ctorThrows = write("CtorThrows.java", """
                public class CtorThrows implements org.initbench.init.InitStrategy {
                    public CtorThrows() {
                        throw new IllegalStateException("no license file");
                    }
                    public void initialize(org.initbench.init.InitContext ctx) { }
                }
                """);
        assertThat(bad(() -> registry.resolve("java:" + ctorThrows)).getMessage())
                .isEqualTo("CtorThrows.java: constructing CtorThrows threw IllegalStateException: no license file"
                        + " (CtorThrows.java:3)");
    }

    @Test
    void exceptionInInitializeNamesTypeMessageAndLine() throws IOException {
        Path file = write("Thrower.java", """
                import org.initbench.init.InitContext;
                import org.initbench.init.InitStrategy;

                public class Thrower implements InitStrategy {
                    public void initialize(InitContext ctx) {
                        helper();
                    }

                    private static void helper() {
                        throw new IllegalStateException("boom");
                    }
                }
                """);
        ResolvedInit r = registry.resolve("java:" + file);
        assertThat(bad(() -> values(r.strategy())).getMessage())
                .isEqualTo("Thrower.java: initialize threw IllegalStateException: boom (Thrower.java:10)");
        Path wrongSize = write("WrongSize.java", """
                public class WrongSize implements org.initbench.init.InitStrategy {
                    public void initialize(org.initbench.init.InitContext ctx) {
                        ctx.set(ctx.network().layers().get(0), "weight", new float[3]);
                    }
                }
                """);
        assertThatThrownBy(() -> values(registry.resolve("java:" + wrongSize).strategy()))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("WrongSize.java: initialize threw IllegalArgumentException: conv1.weight: 3")
                .hasMessageEndingWith("(WrongSize.java:3)");
    }
}
