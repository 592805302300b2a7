package org.initbench.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.data.DatasetDownloader;
import org.initbench.data.DatasetLocator;
import org.initbench.data.DatasetName;
import org.initbench.data.DatasetVerifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code initbench data download|verify NAME}: fetch the official files, or check files on disk. */
@Command(
        name = "data",
        description = "Download or verify datasets (cifar10, cifar100, fashion-mnist, mnist).",
        subcommands = {DataCommand.Download.class, DataCommand.Verify.class})
public final class DataCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static final String DIR_HELP = "DIR: --data-dir, else $INITBENCH_DATA, else ~/.initbench/data.";

    /** The dataset and the data root every {@code data} subcommand takes. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "NAME", description = "cifar10, cifar100, fashion-mnist or mnist")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "data root holding NAME/")
        Path dataDir;

        DatasetName dataset() {
            return DatasetName.parse(name);
        }

        Path root() {
            return DatasetLocator.defaultDownloadRoot(dataDir);
        }
    }

    /** {@code initbench data download NAME [--data-dir DIR] [--mirror URL]}. */
    @Command(name = "download", description = {
        "Download NAME from its official URL into DIR/NAME, verify the published MD5, record SHA-256 in"
                + " DIR/NAME/SHA256SUMS and move the files into place atomically.",
        DIR_HELP})
    static final class Download implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin Target target;

        @Option(names = "--mirror", paramLabel = "URL",
                description = "base URL serving the official file names, replacing the official location")
        String mirror;

        @Override
        public Integer call() {
            DatasetName dataset = target.dataset();
            URI mirrorUri = mirror == null ? null : httpUrl(mirror);
            Path root = target.root();
            PrintWriter err = spec.commandLine().getErr();
            Path dir = new DatasetDownloader(DatasetDownloader.defaultClient(), mirrorUri, line -> {
                err.println(line);
                err.flush();
            }).download(dataset, root);
            spec.commandLine().getOut().println(dataset.id() + ": ready in " + dir);
            return 0;
        }

        private static URI httpUrl(String mirror) {
            URI uri;
            try {
                uri = new URI(mirror);
            } catch (URISyntaxException e) {
                throw new BadInputException("--mirror: not a URL: " + mirror);
            }
            String scheme = uri.getScheme();
            if (scheme == null || !List.of("http", "https").contains(scheme.toLowerCase(Locale.ROOT))) {
                throw new BadInputException("--mirror: expected an http(s) URL, got " + mirror);
            }
            return uri;
        }
    }

    /** {@code initbench data verify NAME [--data-dir DIR]}. */
    @Command(name = "verify", description = {
        "Check that every file of NAME under DIR parses completely and matches the published checksums.",
        DIR_HELP})
    static final class Verify implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin Target target;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            DatasetVerifier.verify(target.dataset(), target.root()).forEach(out::println);
            out.flush();
            return 0;
        }
    }
}
