package org.initbench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the CLI in-process through {@code CommandLine.execute()} and captures its output. */
record CliTestSupport(int exitCode, String out, String err) {

    static CliTestSupport exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliTestSupport(code, out.toString(), err.toString());
    }

    /**
     * The arguments of a quick {@code train}: resnet20 at width 0.25 on the fake FashionMNIST under {@code data},
     * one epoch of batch 16 on two threads into {@code out}, then {@code extra}.
     */
    static String[] quickTrain(Path data, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--arch", "resnet20", "--dataset", "fashion-mnist",
                "--data-dir", data.toString(), "--epochs", "1", "--batch-size", "16", "--width", "0.25",
                "--threads", "2", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }
}
