package org.initbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.initbench.cli.CliTestSupport.exec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ListingCommandsTest {

    @Test
    void modelsListsParamsAndDepthForTheDataset() {
        CliTestSupport r = exec("models", "--dataset", "cifar100");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("resnet56\\s+bn\\s+861,620\\s+58\\s+27")
                .containsPattern("vgg16\\s+bn\\s+14,774,436\\s+14\\s+0\\s+vgg16bn")
                .containsPattern("resnet56\\s+bn\\s+861,620\\s+58\\s+27\\s+-")
                .contains("torchvision's vgg16 is vgg16 --norm none").doesNotContainPattern("(?m)^vgg16bn");
        assertThat(exec("models", "--dataset", "fashion-mnist").out()).containsPattern("mobilenetv2\\s+bn\\s+2,236,106\\s+53");
    }

    @Test
    void modelsListsANormVariantAndRejectsABadOne() {
        CliTestSupport r = exec("models", "--dataset", "cifar100", "--norm", "none");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("resnet56\\s+none\\s+857,501\\s+58\\s+27").contains("plaincnn")
                .containsPattern("vgg16\\s+none\\s+14,765,988\\s+14");
        assertThat(exec("models", "--norm", "bn").out()).doesNotContain("plaincnn");
        CliTestSupport bad = exec("models", "--norm", "groupnorm");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown norm 'groupnorm'; valid: bn, none, weightnorm");
    }

    @Test
    void modelsRejectsUnknownDataset() {
        CliTestSupport r = exec("models", "--dataset", "svhn");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown dataset 'svhn'");
    }

    @Test
    void initsListsIdsOptionsAndCitations() {
        CliTestSupport r = exec("inits");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("pytorch-default").contains("kaiming-normal")
                .contains("option mode=fan_out").contains("arXiv:1502.01852")
                .contains("--init java:PATH.java[:key=value,...]").contains("--init torch:PATH.py");
    }

    /** Every command's help renders as written: no picocli warning (an unescaped % in a description). */
    @Test
    void everyHelpRendersWithoutWarnings() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int commands;
        try {
            commands = usageOfAll(Main.commandLine());
        } finally {
            System.setErr(err);
        }
        assertThat(commands).isGreaterThan(10);
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
    }

    private static int usageOfAll(CommandLine cl) {
        assertThat(cl.getUsageMessage()).isNotBlank();
        int n = 1;
        for (CommandLine sub : cl.getSubcommands().values()) {
            n += usageOfAll(sub);
        }
        return n;
    }
}
