package org.initbench.report;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small document model rendered twice: to Markdown (images by relative path) and to one
 * self-contained HTML page (images as {@code data:} URIs, inline CSS, no external resources). Text
 * may use Markdown's {@code `code`} spans; everything else is escaped.
 */
final class Doc {
    private sealed interface Block permits Heading, Para, Table, Image, Items {}

    private record Heading(int level, String text) implements Block {}

    private record Para(String text) implements Block {}

    private record Table(List<String> header, List<List<String>> rows) implements Block {}

    private record Image(String alt, String relPath, byte[] png) implements Block {}

    private record Items(List<String> items) implements Block {}

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    private final List<Block> blocks = new ArrayList<>();

    Doc heading(int level, String text) {
        blocks.add(new Heading(level, text));
        return this;
    }

    Doc para(String text) {
        blocks.add(new Para(text));
        return this;
    }

    Doc table(List<String> header, List<List<String>> rows) {
        blocks.add(new Table(List.copyOf(header), rows.stream().map(List::copyOf).toList()));
        return this;
    }

    Doc image(String alt, String relPath, byte[] png) {
        blocks.add(new Image(alt, relPath, png));
        return this;
    }

    Doc items(List<String> items) {
        blocks.add(new Items(List.copyOf(items)));
        return this;
    }

    /** A Markdown table (GitHub flavour); pipes in cells are escaped. */
    static String markdownTable(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", header.stream().map(Doc::cell).toList())).append(" |\n");
        sb.append("|").append("---|".repeat(header.size())).append("\n");
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r.stream().map(Doc::cell).toList())).append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        for (Block b : blocks) {
            if (b instanceof Heading h) {
                sb.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
            } else if (b instanceof Para p) {
                sb.append(p.text()).append("\n\n");
            } else if (b instanceof Table t) {
                sb.append(markdownTable(t.header(), t.rows())).append('\n');
            } else if (b instanceof Image i) {
                sb.append("![").append(i.alt().replace("]", ")")).append("](").append(i.relPath()).append(")\n\n");
            } else if (b instanceof Items l) {
                for (String s : l.items()) {
                    sb.append("- ").append(s).append('\n');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    String html(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n")
                .append("table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:4px 8px}\n")
                .append("th{background:#f0f0f0}td{text-align:right}td:first-child{text-align:left}\n")
                .append("code{background:#f4f4f4;padding:0 3px}img{max-width:100%;border:1px solid #ddd}\n")
                .append("</style>\n</head>\n<body>\n");
        for (Block b : blocks) {
            if (b instanceof Heading h) {
                sb.append("<h").append(h.level()).append('>').append(inline(h.text())).append("</h")
                        .append(h.level()).append(">\n");
            } else if (b instanceof Para p) {
                sb.append("<p>").append(inline(p.text())).append("</p>\n");
            } else if (b instanceof Table t) {
                sb.append("<table>\n<tr>");
                for (String s : t.header()) {
                    sb.append("<th>").append(inline(s)).append("</th>");
                }
                sb.append("</tr>\n");
                for (List<String> r : t.rows()) {
                    sb.append("<tr>");
                    for (String s : r) {
                        sb.append("<td>").append(inline(s)).append("</td>");
                    }
                    sb.append("</tr>\n");
                }
                sb.append("</table>\n");
            } else if (b instanceof Image i) {
                sb.append("<figure><img alt=\"").append(esc(i.alt())).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(i.png())).append("\"><figcaption>")
                        .append(esc(i.alt())).append("</figcaption></figure>\n");
            } else if (b instanceof Items l) {
                sb.append("<ul>\n");
                for (String s : l.items()) {
                    sb.append("<li>").append(inline(s)).append("</li>\n");
                }
                sb.append("</ul>\n");
            }
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private static String inline(String s) {
        Matcher m = CODE.matcher(s);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        while (m.find()) {
            sb.append(esc(s.substring(last, m.start()))).append("<code>").append(esc(m.group(1))).append("</code>");
            last = m.end();
        }
        return sb.append(esc(s.substring(last))).toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
