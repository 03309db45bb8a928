package org.cusportal.elasticsearch.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Analyzer types usable as {@code "type": ...} in index settings; the same names also exist as built-in analyzers. */
final class Analyzers {

    private Analyzers() {}

    static Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> providers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> m = new TreeMap<>();
        m.put("simple", (idx, env, name, s) -> provider(name, s, SimpleAnalyzer::new));
        m.put("whitespace", (idx, env, name, s) -> provider(name, s, WhitespaceAnalyzer::new));
        m.put("keyword", (idx, env, name, s) -> provider(name, s, KeywordAnalyzer::new));
        return m;
    }

    private static AnalyzerProvider<Analyzer> provider(String name, Settings settings, Supplier<Analyzer> create) {
        Analyzer analyzer = create.get();
        return new AbstractIndexAnalyzerProvider<>(name, settings) {
            @Override
            public Analyzer get() {
                return analyzer;
            }
        };
    }
}
