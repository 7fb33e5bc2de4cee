package dev.fallbackwatch.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Markdown table padded to fixed column widths, so that it reads the same on a console and in a file. */
final class ResultsTable {

    private final List<List<String>> rows = new ArrayList<>();

    ResultsTable(String... header) {
        rows.add(List.of(header));
    }

    ResultsTable row(String... cells) {
        if (cells.length != rows.get(0).size()) {
            throw new IllegalArgumentException("a row needs " + rows.get(0).size() + " cells, got " + cells.length);
        }
        rows.add(List.of(cells));
        return this;
    }

    String render() {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder table = new StringBuilder();
        line(table, rows.get(0), widths);
        List<String> rule = Arrays.stream(widths).mapToObj("-"::repeat).toList();
        line(table, rule, widths);
        rows.stream().skip(1).forEach(row -> line(table, row, widths));
        return table.toString();
    }

    private static void line(StringBuilder table, List<String> cells, int[] widths) {
        table.append('|');
        for (int column = 0; column < widths.length; column++) {
            String cell = cells.get(column);
            table.append(' ')
                    .append(cell)
                    .append(" ".repeat(widths[column] - cell.length()))
                    .append(" |");
        }
        table.append('\n');
    }
}
