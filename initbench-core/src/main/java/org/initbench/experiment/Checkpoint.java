package org.initbench.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.initbench.train.EpochMetrics;

/**
 * A run's state at the end of an epoch (design §7), or after any step when a {@link StopRequest} stops
 * it ({@link Partial}): every parameter of the block (weights, biases,
 * BN γ/β and running statistics) by its stable path name, the optimizer's momentum buffers, and
 * the loop's own state, so that a resumed run continues to the same result an uninterrupted one
 * reaches. No random-number state is stored because none is carried across epochs: data order,
 * crops and flips are derived from (run seed, epoch) and the models have no dropout.
 *
 * <p>File layout: magic {@code IBCK}, format version, then three length-prefixed sections (the
 * {@link State} as JSON, the parameters, the optimizer's {@link NDList}) and a CRC-32 of all that
 * precedes it. Written to a temporary file in the same directory, forced to disk, then moved over
 * the previous checkpoint atomically: a failure at any point leaves the previous one valid.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.bin";

    private static final int MAGIC = 0x4942434B; // "IBCK"
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /**
     * The training loop's state after {@code epoch} completed epochs.
     *
     * @param epoch completed epochs
     * @param best best test accuracy so far
     * @param bestEpoch epoch of {@code best}
     * @param last test accuracy of the last epoch
     * @param elapsedSeconds wall time spent in the run so far, over every process that worked on it
     * @param metrics one entry per completed epoch, the truth that {@code metrics.jsonl} is restored from
     * @param partial how far the next epoch had got when a {@link StopRequest} stopped the run after a
     *     step; null at an epoch's end
     */
    public record State(int epoch, double best, int bestEpoch, double last, double elapsedSeconds,
            List<EpochMetrics> metrics, Partial partial) {
        public State {
            metrics = List.copyOf(metrics);
        }

        /** The state at the end of epoch {@code epoch}. */
        public State(int epoch, double best, int bestEpoch, double last, double elapsedSeconds,
                List<EpochMetrics> metrics) {
            this(epoch, best, bestEpoch, last, elapsedSeconds, metrics, null);
        }
    }

    /**
     * The first {@code batches} steps of epoch {@link State#epoch()} + 1, done before a stop: the epoch's
     * running sums go on from these (data order, crops and flips are the epoch's, so the resumed run
     * skips exactly these batches).
     *
     * @param batches training steps done in the epoch
     * @param lossSum sum over those steps of batch loss × batch size
     * @param correct correct training predictions so far
     * @param seen training images so far
     * @param trainSeconds training time of the epoch so far
     */
    public record Partial(int batches, double lossSum, long correct, long seen, double trainSeconds) {}

    /** A checkpoint read back: the loop state and the optimizer buffers (owned by the caller's manager). */
    public record Loaded(State state, NDList optimizer) {}

    /**
     * Writes {@code state}, the block's parameters and the optimizer buffers to {@code file}
     * atomically.
     */
    public static void write(Path file, State state, Block block, NDList optimizer) throws IOException {
        write(file, state, block, optimizer, out -> out);
    }

    /** As {@link #write(Path, State, Block, NDList)}, with the file stream wrapped (tests inject faults). */
    static void write(Path file, State state, Block block, NDList optimizer, StreamWrapper wrapper)
            throws IOException {
        byte[] body = encode(state, block, optimizer);
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream os = wrapper.wrap(java.nio.channels.Channels.newOutputStream(ch))) {
                os.write(body);
                os.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads {@code file}, copies its parameter values into {@code block}'s existing arrays (in place,
     * so gradients stay attached), and returns the loop state and the optimizer buffers.
     *
     * @throws IOException if the file is truncated, corrupt (CRC mismatch), of another format, or does
     *     not match the block (a parameter missing or of another shape)
     */
    public static Loaded read(Path file, Block block, NDManager manager) throws IOException {
        DataInputStream in = open(file);
        State state = JSON.readValue(section(in), State.class);
        Map<String, NDArray> params = new LinkedHashMap<>();
        DataInputStream ps = new DataInputStream(new ByteArrayInputStream(section(in)));
        int count = ps.readInt();
        try (NDManager tmp = manager.newSubManager()) {
            for (int i = 0; i < count; i++) {
                String name = ps.readUTF();
                byte[] bytes = new byte[ps.readInt()];
                ps.readFully(bytes);
                params.put(name, tmp.decode(bytes));
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray saved = params.remove(p.getKey());
                NDArray target = p.getValue().getArray();
                if (saved == null || !saved.getShape().equals(target.getShape())) {
                    throw new IOException("checkpoint " + file + " does not match the model at parameter "
                            + p.getKey());
                }
                target.set(saved.toByteBuffer());
            }
            if (!params.isEmpty()) {
                throw new IOException("checkpoint " + file + " has parameters the model lacks: " + params.keySet());
            }
        }
        byte[] opt = section(in);
        NDList optimizer = opt.length == 0 ? new NDList() : NDList.decode(manager, opt);
        return new Loaded(state, optimizer);
    }

    /** The loop state alone (for {@code sweep status}), with the same checks as {@link #read}. */
    public static State readState(Path file) throws IOException {
        return JSON.readValue(section(open(file)), State.class);
    }

    /** The checkpoint's body after magic and version, its CRC checked. */
    private static DataInputStream open(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 12) {
            throw new IOException("checkpoint " + file + " is truncated (" + all.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (crc.getValue() != stored) {
            throw new IOException("checkpoint " + file + " is corrupt (CRC mismatch)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8));
        if (in.readInt() != MAGIC) {
            throw new IOException(file + " is not an initbench checkpoint");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("checkpoint " + file + " has format version " + version + ", expected " + VERSION);
        }
        return in;
    }

    private static byte[] encode(State state, Block block, NDList optimizer) throws IOException {
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        List<Pair<String, Parameter>> all = new ArrayList<>();
        block.getParameters().forEach(all::add);
        try (DataOutputStream ps = new DataOutputStream(params)) {
            ps.writeInt(all.size());
            for (Pair<String, Parameter> p : all) {
                byte[] bytes = p.getValue().getArray().encode();
                ps.writeUTF(p.getKey());
                ps.writeInt(bytes.length);
                ps.write(bytes);
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            writeSection(out, JSON.writeValueAsBytes(state));
            writeSection(out, params.toByteArray());
            writeSection(out, optimizer.isEmpty() ? new byte[0] : optimizer.encode());
            out.flush();
            CRC32 crc = new CRC32();
            byte[] body = buf.toByteArray();
            crc.update(body);
            out.writeLong(crc.getValue());
        }
        return buf.toByteArray();
    }

    private static void writeSection(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] section(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("checkpoint section of " + n + " bytes exceeds the file");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Wraps the checkpoint's file stream; identity outside tests. */
    @FunctionalInterface
    interface StreamWrapper {
        OutputStream wrap(OutputStream out) throws IOException;
    }
}
