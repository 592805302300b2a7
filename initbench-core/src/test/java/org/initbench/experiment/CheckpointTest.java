package org.initbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.initbench.init.InitContext;
import org.initbench.init.InitRegistry;
import org.initbench.model.Models;
import org.initbench.model.Network;
import org.initbench.model.Norm;
import org.initbench.train.EpochMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    static final Checkpoint.State STATE = new Checkpoint.State(3, 0.5, 2, 0.4, 12.5,
            List.of(new EpochMetrics(1, 0.1, 2.0, 0.3, 2.1, 0.25, 0.25, 4.0, 100.0)));

    static Network net(NDManager m, long seed) {
        Network net = Models.build("resnet20", 1, 10, 0.25, Norm.BN);
        Models.materialize(net, m);
        InitContext.apply(net, InitRegistry.load().resolve("kaiming-normal").strategy(), seed);
        return net;
    }

    static float[] firstWeight(Network net) {
        return net.trainableParameters().get(0).getArray().toFloatArray();
    }

    @Test
    void roundTripsParametersOptimizerAndState(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(Checkpoint.FILE);
        try (NDManager m = NDManager.newBaseManager()) {
            Network a = net(m, 1);
            NDList opt = new NDList(m.create(new float[] {1, 2, 3}));
            opt.get(0).setName("p0");
            Checkpoint.write(file, STATE, a.block(), opt);

            Network b = net(m, 2);
            assertThat(firstWeight(b)).isNotEqualTo(firstWeight(a));
            Checkpoint.Loaded loaded = Checkpoint.read(file, b.block(), m);
            assertThat(loaded.state()).isEqualTo(STATE);
            assertThat(loaded.optimizer().get(0).toFloatArray()).containsExactly(1, 2, 3);
            assertThat(loaded.optimizer().get(0).getName()).isEqualTo("p0");
            a.block().getParameters().forEach(p -> assertThat(
                    b.block().getParameters().get(p.getKey()).getArray().toFloatArray())
                    .containsExactly(p.getValue().getArray().toFloatArray()));
        }
    }

    @Test
    void aFailureMidWriteLeavesThePreviousCheckpointValid(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(Checkpoint.FILE);
        try (NDManager m = NDManager.newBaseManager()) {
            Network a = net(m, 1);
            Checkpoint.write(file, STATE, a.block(), new NDList());
            byte[] before = Files.readAllBytes(file);
            Network other = net(m, 2);
            Checkpoint.StreamWrapper diskFull = out -> new FilterOutputStream(out) {
                long written;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (written + len > 1000) {
                        super.write(b, off, 1000 - (int) written);
                        throw new IOException("No space left on device");
                    }
                    written += len;
                    super.write(b, off, len);
                }
            };
            assertThatThrownBy(() -> Checkpoint.write(file, STATE, other.block(), new NDList(), diskFull))
                    .hasMessageContaining("No space left");
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
            try (var files = Files.list(dir)) {
                assertThat(files).containsExactly(file);
            }
            Network c = net(m, 3);
            Checkpoint.read(file, c.block(), m);
            assertThat(firstWeight(c)).containsExactly(firstWeight(a));
        }
    }

    @Test
    void truncatedCorruptOrMismatchedFilesAreRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(Checkpoint.FILE);
        try (NDManager m = NDManager.newBaseManager()) {
            Network a = net(m, 1);
            Checkpoint.write(file, STATE, a.block(), new NDList());
            byte[] bytes = Files.readAllBytes(file);

            Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
            assertThatThrownBy(() -> Checkpoint.read(file, a.block(), m)).isInstanceOf(IOException.class)
                    .hasMessageContaining("CRC mismatch");
            Files.write(file, Arrays.copyOf(bytes, 5));
            assertThatThrownBy(() -> Checkpoint.read(file, a.block(), m)).hasMessageContaining("truncated");

            Files.write(file, bytes);
            Network wider = Models.build("resnet20", 1, 10, 0.5, Norm.BN);
            Models.materialize(wider, m);
            assertThatThrownBy(() -> Checkpoint.read(file, wider.block(), m)).isInstanceOf(IOException.class)
                    .hasMessageContaining("does not match the model");
        }
    }
}
