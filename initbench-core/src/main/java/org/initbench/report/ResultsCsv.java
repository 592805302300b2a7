package org.initbench.report;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.initbench.experiment.TrainSpec;

/**
 * {@code results.csv}: one row per run, RFC 4180, a header row, empty cells for missing values (pandas
 * reads them as NaN). Accuracies are in percent ({@code _pct} columns).
 */
public final class ResultsCsv {
    /** The header, in order. */
    public static final List<String> HEADER = List.of("path", "column", "arch", "dataset", "init", "init_id",
            "init_label", "seed", "epochs", "batch_size", "lr", "momentum", "weight_decay", "nesterov",
            "train_subset", "test_subset", "width", "norm", "status", "reason", "epochs_completed",
            "best_test_acc_pct", "final_test_acc_pct", "best_epoch", "wall_seconds", "train_img_per_s",
            "ends_at_chance");

    private ResultsCsv() {}

    /** The CSV text for the analysed runs. */
    public static String render(Analysis a) throws IOException {
        StringWriter w = new StringWriter();
        CSVFormat fmt = CSVFormat.RFC4180.builder().setHeader(HEADER.toArray(String[]::new)).get();
        java.util.Map<ColumnKey, String> labels = new java.util.HashMap<>();
        for (Analysis.Column c : a.columns()) {
            labels.put(c.key(), c.label());
        }
        try (CSVPrinter p = new CSVPrinter(w, fmt)) {
            for (RunRecord r : a.runs()) {
                List<Object> row = new ArrayList<>();
                row.add(r.path());
                TrainSpec s = r.spec();
                if (s == null) {
                    row.add("");
                    for (int i = 0; i < 16; i++) {
                        row.add("");
                    }
                } else {
                    row.add(labels.get(r.column()));
                    row.add(s.arch());
                    row.add(s.dataset());
                    row.add(s.init());
                    row.add(Analysis.idOf(s.init()));
                    row.add(a.initLabel(s.init()));
                    row.add(s.seed());
                    row.add(s.recipe().epochs());
                    row.add(s.recipe().batchSize());
                    row.add(s.recipe().lr());
                    row.add(s.recipe().momentum());
                    row.add(s.recipe().weightDecay());
                    row.add(s.recipe().nesterov());
                    row.add(s.recipe().trainSubset());
                    row.add(s.recipe().testSubset());
                    row.add(s.recipe().width());
                    row.add(s.recipe().norm() == null ? "" : s.recipe().norm());
                }
                row.add(r.status().id());
                row.add(r.reason() == null ? "" : r.reason());
                row.add(r.status() == RunStatus.CORRUPT && r.spec() == null ? "" : r.epochsCompleted());
                row.add(num(100 * r.bestTestAcc()));
                row.add(num(100 * r.finalTestAcc()));
                row.add(r.bestEpoch() == 0 ? "" : r.bestEpoch());
                row.add(num(r.wallSeconds()));
                row.add(num(r.trainImagesPerSecond()));
                row.add(r.status() == RunStatus.DONE && r.spec() != null ? r.endsAtChance() : "");
                p.printRecord(row);
            }
        }
        return w.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }
}
