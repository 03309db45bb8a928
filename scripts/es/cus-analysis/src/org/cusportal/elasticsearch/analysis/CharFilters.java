package org.cusportal.elasticsearch.analysis;

import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.PreConfiguredCharFilter;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;

import java.io.Reader;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Character filters: html_strip (for rich-text bodies), mapping and pattern_replace. */
final class CharFilters {

    private CharFilters() {}

    static Map<String, AnalysisProvider<CharFilterFactory>> providers() {
        Map<String, AnalysisProvider<CharFilterFactory>> m = new TreeMap<>();
        m.put("html_strip", (idx, env, name, s) -> {
            Set<String> escaped = new HashSet<>(s.getAsList("escaped_tags"));
            return charFilter(name, reader -> new HTMLStripCharFilter(reader, escaped.isEmpty() ? null : escaped));
        });
        m.put("mapping", AnalysisPlugin.requiresAnalysisSettings(CharFilters::mapping));
        m.put("pattern_replace", AnalysisPlugin.requiresAnalysisSettings((idx, env, name, s) -> {
            String pattern = s.get("pattern");
            if (pattern == null) {
                throw new IllegalArgumentException("pattern is missing for [" + name + "] char filter of type 'pattern_replace'");
            }
            Pattern p = Regex.compile(pattern, s.get("flags"));
            String replacement = s.get("replacement", "");
            return normalizingCharFilter(name, reader -> new PatternReplaceCharFilter(p, replacement, reader));
        }));
        return m;
    }

    static List<PreConfiguredCharFilter> preConfigured() {
        return List.of(PreConfiguredCharFilter.singleton("html_strip", false, HTMLStripCharFilter::new));
    }

    private static CharFilterFactory mapping(IndexSettings idx, Environment env, String name, Settings s) {
        List<String> rules = Analysis.getWordList(env, s, "mappings");
        if (rules == null) {
            throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
        }
        NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
        for (String rule : rules) {
            int arrow = rule.indexOf("=>");
            if (arrow < 0) {
                throw new IllegalArgumentException("Invalid mapping rule : [" + rule + "]");
            }
            String from = unescape(rule.substring(0, arrow).trim());
            String to = unescape(rule.substring(arrow + 2).trim());
            if (from.isEmpty()) {
                throw new IllegalArgumentException("Invalid mapping rule : [" + rule + "]");
            }
            builder.add(from, to);
        }
        NormalizeCharMap map = builder.build();
        return normalizingCharFilter(name, reader -> new MappingCharFilter(map, reader));
    }

    /** Supports the escapes the reference documents for mapping rules: \\ \n \t \r \b \f \" \' and \\uXXXX. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 5 > text.length()) {
                        throw new IllegalArgumentException("Invalid escape sequence in mapping rule: [" + text + "]");
                    }
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }

    private static CharFilterFactory charFilter(String name, Function<Reader, Reader> create) {
        return new CharFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Reader create(Reader reader) {
                return create.apply(reader);
            }
        };
    }

    private static CharFilterFactory normalizingCharFilter(String name, Function<Reader, Reader> create) {
        return new NormalizingCharFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Reader create(Reader reader) {
                return create.apply(reader);
            }
        };
    }
}
