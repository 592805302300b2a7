package org.initbench.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.initbench.train.EpochMetrics;
import org.initbench.train.TrainListener;

/**
 * Progress on a console: on a terminal, one bar redrawn in place (epoch, batch, loss, accuracy,
 * img/s, ETA); otherwise plain lines every quarter epoch, so logs stay readable. Every epoch ends
 * with one summary line in both modes.
 */
public final class ConsoleProgress implements TrainListener {
    private static final int BAR = 24;
    private final PrintWriter out;
    private final boolean terminal;
    private int lastQuarter = -1;

    public ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void notice(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public void batch(int epoch, int epochs, int batch, int batches, double loss, double accuracy,
            double imagesPerSecond, double etaSeconds) {
        String stats = String.format(Locale.ROOT, "epoch %d/%d  batch %d/%d  loss %.4f  acc %.2f%%  %.0f img/s  ETA %s",
                epoch, epochs, batch, batches, loss, 100 * accuracy, imagesPerSecond, duration(etaSeconds));
        if (terminal) {
            int filled = (int) Math.round(BAR * (double) batch / batches);
            out.print("\r[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "] " + stats + "   ");
            out.flush();
            return;
        }
        int quarter = 4 * batch / batches;
        if (batch == 1) {
            lastQuarter = 0;
        }
        if (quarter > lastQuarter && batch < batches) {
            lastQuarter = quarter;
            out.println(stats);
            out.flush();
        }
    }

    @Override
    public void epoch(EpochMetrics m, int epochs) {
        if (terminal) {
            out.print("\r" + " ".repeat(BAR + 100) + "\r");
        }
        out.println(String.format(Locale.ROOT,
                "epoch %d/%d  lr %.5f  train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%  best %.2f%%"
                        + "  %.1fs  %.0f img/s",
                m.epoch(), epochs, m.lr(), m.trainLoss(), 100 * m.trainAcc(), m.testLoss(), 100 * m.testAcc(),
                100 * m.bestTestAcc(), m.epochSeconds(), m.trainImagesPerSecond()));
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
