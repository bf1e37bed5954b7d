package dev.vitals.benchmarks.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one run, one per line, appended by each step of {@code run.sh} and read by
 * {@link ResultsTable}. Rows keep the order in which they were first written.
 *
 * <p>Threading: appends from one thread at a time; each step is its own process and they run
 * one after another.
 */
public final class FigureFile {

    private final Path file;

    public FigureFile(Path file) {
        this.file = file;
    }

    public void append(Figure figure) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, figure.toLine() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    public List<Figure> read() throws IOException {
        List<Figure> figures = new ArrayList<>();
        if (!Files.exists(file)) {
            return figures;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                figures.add(Figure.parse(line));
            }
        }
        return figures;
    }
}
