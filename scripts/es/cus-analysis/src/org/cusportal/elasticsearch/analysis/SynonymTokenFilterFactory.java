package org.cusportal.elasticsearch.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymFilter;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.synonym.WordnetSynonymParser;
import org.apache.lucene.util.CharsRef;
import org.apache.lucene.util.CharsRefBuilder;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The {@code synonym} and {@code synonym_graph} token filters.
 *
 * Rules are analysed with the tokenizer, char filters and token filters that precede this filter in the
 * analyzer, so a rule written with Polish diacritics still matches text that an earlier asciifolding
 * filter has already folded.
 */
final class SynonymTokenFilterFactory implements TokenFilterFactory {

    private final Environment environment;
    private final String name;
    private final Settings settings;
    private final boolean graph;
    private final boolean expand;
    private final boolean lenient;
    private final String format;

    SynonymTokenFilterFactory(IndexSettings indexSettings, Environment environment, String name, Settings settings, boolean graph) {
        this.environment = environment;
        this.name = name;
        this.settings = settings;
        this.graph = graph;
        this.expand = settings.getAsBoolean("expand", true);
        this.lenient = settings.getAsBoolean("lenient", false);
        this.format = settings.get("format", "solr").toLowerCase(Locale.ROOT);
        if (format.equals("solr") == false && format.equals("wordnet") == false) {
            throw new IllegalArgumentException("Unknown synonym format [" + format + "] for [" + name + "], use solr or wordnet");
        }
        if (settings.getAsBoolean("updateable", false) || settings.get("synonyms_set") != null) {
            throw new IllegalArgumentException("[" + name + "]: updateable synonyms and synonyms_set are not supported here;"
                + " use `synonyms` or `synonyms_path`");
        }
        if (settings.get("synonyms") == null && settings.getAsList("synonyms").isEmpty() && settings.get("synonyms_path") == null) {
            throw new IllegalArgumentException("synonym requires either `synonyms` or `synonyms_path` to be configured");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        throw new IllegalStateException("[" + name + "] must be bound to its analysis chain before use");
    }

    @Override
    public TokenFilterFactory getChainAwareTokenFilterFactory(
        IndexCreationContext context,
        TokenizerFactory tokenizer,
        List<CharFilterFactory> charFilters,
        List<TokenFilterFactory> previousTokenFilters,
        Function<String, TokenFilterFactory> allFilters
    ) {
        Analyzer ruleAnalyzer = ruleAnalyzer(tokenizer, charFilters, previousTokenFilters);
        SynonymMap map;
        try (ruleAnalyzer; Reader rules = rules()) {
            SynonymMap.Parser parser = parser(ruleAnalyzer);
            parser.parse(rules);
            map = parser.build();
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("failed to build synonyms for [" + name + "]: " + e.getMessage(), e);
        }
        boolean empty = map.fst == null;
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            @SuppressWarnings("deprecation") // the plain "synonym" type keeps Lucene's older, non-graph filter on purpose
            public TokenStream create(TokenStream tokenStream) {
                if (empty) {
                    return tokenStream;
                }
                return graph ? new SynonymGraphFilter(tokenStream, map, false) : new SynonymFilter(tokenStream, map, false);
            }

            @Override
            public TokenFilterFactory getSynonymFilter() {
                // A later synonym filter parses its rules without this one, as rules are not chained.
                return IDENTITY_FILTER;
            }
        };
    }

    private Reader rules() {
        List<String> inline = settings.getAsList("synonyms");
        if (inline.isEmpty() == false) {
            return new StringReader(String.join("\n", inline));
        }
        return Analysis.getReaderFromFile(environment, settings.get("synonyms_path"), "synonyms_path");
    }

    private SynonymMap.Parser parser(Analyzer analyzer) {
        boolean dedup = true;
        if (format.equals("wordnet")) {
            return lenient ? new LenientWordnetParser(expand, analyzer) : new WordnetSynonymParser(dedup, expand, analyzer);
        }
        return lenient ? new LenientSolrParser(expand, analyzer) : new SolrSynonymParser(dedup, expand, analyzer);
    }

    /** In lenient mode a rule whose terms the chain cannot analyse (for example a removed stop word) is skipped. */
    private static final class LenientSolrParser extends SolrSynonymParser {
        LenientSolrParser(boolean expand, Analyzer analyzer) {
            super(true, expand, analyzer);
        }

        @Override
        public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
            try {
                return super.analyze(text, reuse);
            } catch (IllegalArgumentException e) {
                reuse.clear();
                return reuse.get();
            }
        }

        @Override
        public void add(CharsRef input, CharsRef output, boolean includeOrig) {
            if (input.length > 0 && output.length > 0) {
                super.add(input, output, includeOrig);
            }
        }
    }

    /** Wordnet counterpart of {@link LenientSolrParser}. */
    private static final class LenientWordnetParser extends WordnetSynonymParser {
        LenientWordnetParser(boolean expand, Analyzer analyzer) {
            super(true, expand, analyzer);
        }

        @Override
        public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
            try {
                return super.analyze(text, reuse);
            } catch (IllegalArgumentException e) {
                reuse.clear();
                return reuse.get();
            }
        }

        @Override
        public void add(CharsRef input, CharsRef output, boolean includeOrig) {
            if (input.length > 0 && output.length > 0) {
                super.add(input, output, includeOrig);
            }
        }
    }

    private static Analyzer ruleAnalyzer(TokenizerFactory tokenizer, List<CharFilterFactory> charFilters, List<TokenFilterFactory> filters) {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer source = tokenizer.create();
                TokenStream stream = source;
                for (TokenFilterFactory filter : filters) {
                    stream = filter.getSynonymFilter().create(stream);
                }
                return new TokenStreamComponents(source, stream);
            }

            @Override
            protected Reader initReader(String fieldName, Reader reader) {
                for (CharFilterFactory charFilter : charFilters) {
                    reader = charFilter.create(reader);
                }
                return reader;
            }
        };
    }
}
