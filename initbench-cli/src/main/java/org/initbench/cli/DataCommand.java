package org.initbench.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.initbench.BadInputException;
import org.initbench.data.DatasetDownloader;
import org.initbench.data.DatasetLocator;
import org.initbench.data.DatasetName;
import org.initbench.data.DatasetVerifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

    /** {@code initbench data download NAME [--data-dir DIR] [--mirror URL]}. */
    @Command(name = "download", description = {
        "Download NAME from its official URL into DIR/NAME, verify the published MD5, record SHA-256 in"
                + " DIR/NAME/SHA256SUMS and move the files into place atomically.",
        "DIR: --data-dir, else $INITBENCH_DATA, else ~/.initbench/data."})
    static final class Download implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "cifar10, cifar100, fashion-mnist or mnist")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "data root to download into")
        Path dataDir;

        @Option(names = "--mirror", paramLabel = "URL",
                description = "base URL serving the official file names, replacing the official location")
        String mirror;

        @Override
        public Integer call() {
            DatasetName dataset = DatasetName.parse(name);
            URI mirrorUri = null;
            if (mirror != null) {
                try {
                    mirrorUri = new URI(mirror);
                } catch (URISyntaxException e) {
                    throw new BadInputException("--mirror: not a URL: " + mirror);
                }
                if (mirrorUri.getScheme() == null
                        || !List.of("http", "https").contains(mirrorUri.getScheme().toLowerCase(java.util.Locale.ROOT))) {
                    throw new BadInputException("--mirror: expected an http(s) URL, got " + mirror);
                }
            }
            Path root = DatasetLocator.defaultDownloadRoot(dataDir);
            PrintWriter err = spec.commandLine().getErr();
            Path dir = new DatasetDownloader(DatasetDownloader.defaultClient(), mirrorUri, line -> {
                err.println(line);
                err.flush();
            }).download(dataset, root);
            spec.commandLine().getOut().println(dataset.id() + ": ready in " + dir);
            return 0;
        }
    }

    /** {@code initbench data verify NAME [--data-dir DIR]}. */
    @Command(name = "verify", description = {
        "Check that every file of NAME under DIR parses completely and matches the published checksums.",
        "DIR: --data-dir, else $INITBENCH_DATA, else ~/.initbench/data."})
    static final class Verify implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "cifar10, cifar100, fashion-mnist or mnist")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "data root holding NAME/")
        Path dataDir;

        @Override
        public Integer call() {
            DatasetName dataset = DatasetName.parse(name);
            Path root = DatasetLocator.defaultDownloadRoot(dataDir);
            PrintWriter out = spec.commandLine().getOut();
            DatasetVerifier.verify(dataset, root).forEach(out::println);
            out.flush();
            return 0;
        }
    }
}
