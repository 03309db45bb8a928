package org.cusportal.elasticsearch.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.DecimalDigitFilter;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.core.UpperCaseFilter;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.KeywordRepeatFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.LimitTokenCountFilter;
import org.apache.lucene.analysis.miscellaneous.PatternKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.miscellaneous.SetKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.StemmerOverrideFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterIterator;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.pattern.PatternReplaceFilter;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Token filter types and their parameter-less ("pre-configured") variants.
 * Names and parameters follow the Elasticsearch reference so index settings stay portable to a full distribution.
 * Core already provides: stop, shingle, hunspell (types) and lowercase (pre-configured).
 */
final class TokenFilters {

    private TokenFilters() {}

    static Map<String, AnalysisProvider<TokenFilterFactory>> providers() {
        Map<String, AnalysisProvider<TokenFilterFactory>> m = new TreeMap<>();

        m.put("asciifolding", (idx, env, name, s) -> {
            boolean preserve = s.getAsBoolean("preserve_original", false);
            // Normalizers (keyword fields, wildcard queries) must emit one token, so never keep the original there.
            return normalizing(name, ts -> new ASCIIFoldingFilter(ts, preserve), ts -> new ASCIIFoldingFilter(ts, false));
        });
        m.put("lowercase", (idx, env, name, s) -> {
            Function<TokenStream, TokenStream> f = lowercaseFor(s.get("language"));
            return normalizing(name, f, f);
        });
        m.put("uppercase", (idx, env, name, s) -> normalizing(name, UpperCaseFilter::new, UpperCaseFilter::new));
        m.put("decimal_digit", (idx, env, name, s) -> normalizing(name, DecimalDigitFilter::new, DecimalDigitFilter::new));
        m.put("elision", (idx, env, name, s) -> {
            CharArraySet articles = Analysis.parseArticles(env, s);
            CharArraySet used = articles == null ? FrenchAnalyzer.DEFAULT_ARTICLES : articles;
            return normalizing(name, ts -> new ElisionFilter(ts, used), ts -> new ElisionFilter(ts, used));
        });

        m.put("synonym", AnalysisPlugin.requiresAnalysisSettings(
            (idx, env, name, s) -> new SynonymTokenFilterFactory(idx, env, name, s, false)));
        m.put("synonym_graph", AnalysisPlugin.requiresAnalysisSettings(
            (idx, env, name, s) -> new SynonymTokenFilterFactory(idx, env, name, s, true)));
        m.put("stemmer_override", AnalysisPlugin.requiresAnalysisSettings(TokenFilters::stemmerOverride));
        m.put("keyword_marker", AnalysisPlugin.requiresAnalysisSettings(TokenFilters::keywordMarker));
        m.put("pattern_replace", AnalysisPlugin.requiresAnalysisSettings((idx, env, name, s) -> {
            String pattern = s.get("pattern");
            if (pattern == null) {
                throw new IllegalArgumentException("pattern is missing for [" + name + "] token filter of type 'pattern_replace'");
            }
            Pattern p = Regex.compile(pattern, s.get("flags"));
            String replacement = s.get("replacement", "");
            boolean all = s.getAsBoolean("all", true);
            return plain(name, ts -> new PatternReplaceFilter(ts, p, replacement, all));
        }));

        m.put("keyword_repeat", (idx, env, name, s) -> positional(name, KeywordRepeatFilter::new));
        m.put("remove_duplicates", (idx, env, name, s) -> plain(name, RemoveDuplicatesTokenFilter::new));
        m.put("unique", (idx, env, name, s) -> {
            boolean samePosition = s.getAsBoolean("only_on_same_position", false);
            return plain(name, ts -> new UniqueTokenFilter(ts, samePosition));
        });
        m.put("trim", (idx, env, name, s) -> plain(name, TrimFilter::new));
        m.put("reverse", (idx, env, name, s) -> plain(name, ReverseStringFilter::new));
        m.put("flatten_graph", (idx, env, name, s) -> plain(name, FlattenGraphFilter::new));
        m.put("length", (idx, env, name, s) -> {
            int min = s.getAsInt("min", 0);
            int max = s.getAsInt("max", Integer.MAX_VALUE);
            return plain(name, ts -> new LengthFilter(ts, min, max));
        });
        m.put("truncate", (idx, env, name, s) -> {
            int length = s.getAsInt("length", 10);
            if (length <= 0) {
                throw new IllegalArgumentException("length parameter must be provided");
            }
            return plain(name, ts -> new TruncateTokenFilter(ts, length));
        });
        m.put("limit", (idx, env, name, s) -> {
            int max = s.getAsInt("max_token_count", 1);
            boolean all = s.getAsBoolean("consume_all_tokens", false);
            return plain(name, ts -> new LimitTokenCountFilter(ts, max, all));
        });

        m.put("edge_ngram", (idx, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            return positional(name, ts -> new EdgeNGramTokenFilter(ts, min, max, preserve));
        });
        m.put("ngram", (idx, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            checkNgramDiff(idx, min, max);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            return positional(name, ts -> new NGramTokenFilter(ts, min, max, preserve));
        });
        m.put("word_delimiter_graph", TokenFilters::wordDelimiterGraph);
        return m;
    }

    static List<PreConfiguredTokenFilter> preConfigured() {
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("uppercase", true, UpperCaseFilter::new),
            PreConfiguredTokenFilter.singleton("decimal_digit", true, DecimalDigitFilter::new),
            PreConfiguredTokenFilter.singleton("elision", true, ts -> new ElisionFilter(ts, FrenchAnalyzer.DEFAULT_ARTICLES)),
            PreConfiguredTokenFilter.singleton("stop", false, ts -> new StopFilter(ts, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET)),
            PreConfiguredTokenFilter.singleton("trim", true, TrimFilter::new),
            PreConfiguredTokenFilter.singleton("reverse", false, ReverseStringFilter::new),
            PreConfiguredTokenFilter.singleton("flatten_graph", false, FlattenGraphFilter::new),
            PreConfiguredTokenFilter.singleton("remove_duplicates", false, RemoveDuplicatesTokenFilter::new),
            PreConfiguredTokenFilter.singleton("unique", false, ts -> new UniqueTokenFilter(ts, false)),
            PreConfiguredTokenFilter.singleton("truncate", false, ts -> new TruncateTokenFilter(ts, 10)),
            PreConfiguredTokenFilter.singleton("limit", false, ts -> new LimitTokenCountFilter(ts, 1)),
            // Filters that add tokens or positions would corrupt synonym rules, so they are excluded from synonym parsing.
            PreConfiguredTokenFilter.singleton("keyword_repeat", false, false, KeywordRepeatFilter::new),
            PreConfiguredTokenFilter.singleton("edge_ngram", false, false, ts -> new EdgeNGramTokenFilter(ts, 1, 2, false)),
            PreConfiguredTokenFilter.singleton("ngram", false, false, ts -> new NGramTokenFilter(ts, 1, 2, false)),
            PreConfiguredTokenFilter.singleton("word_delimiter_graph", false, false,
                ts -> new WordDelimiterGraphFilter(ts, true, WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE, defaultWordDelimiterFlags(), null))
        );
    }

    static void checkNgramDiff(IndexSettings idx, int min, int max) {
        int allowed = idx.getMaxNgramDiff();
        if (max - min > allowed) {
            throw new IllegalArgumentException("The difference between max_gram and min_gram in NGram Tokenizer must be less than or equal to: ["
                + allowed + "] but was [" + (max - min) + "]. This limit can be set by changing the ["
                + IndexSettings.MAX_NGRAM_DIFF_SETTING.getKey() + "] index level setting.");
        }
    }

    private static Function<TokenStream, TokenStream> lowercaseFor(String language) {
        if (language == null) {
            return LowerCaseFilter::new;
        }
        switch (language.toLowerCase(Locale.ROOT)) {
            case "greek":
                return GreekLowerCaseFilter::new;
            case "irish":
                return IrishLowerCaseFilter::new;
            case "turkish":
                return TurkishLowerCaseFilter::new;
            default:
                throw new IllegalArgumentException("language [" + language + "] not supported for lowercase");
        }
    }

    private static TokenFilterFactory stemmerOverride(IndexSettings idx, Environment env, String name, Settings s) throws IOException {
        List<String> rules = Analysis.getWordList(env, s, "rules");
        if (rules == null) {
            throw new IllegalArgumentException("stemmer override filter requires either `rules` or `rules_path` to be configured");
        }
        StemmerOverrideFilter.Builder builder = new StemmerOverrideFilter.Builder(false);
        for (String rule : rules) {
            String[] sides = rule.split("=>", -1);
            if (sides.length != 2) {
                throw new IllegalArgumentException("Invalid Keyword override Rule:" + rule);
            }
            String stem = sides[1].trim();
            if (stem.isEmpty()) {
                throw new IllegalArgumentException("Invalid Keyword override Rule:" + rule);
            }
            for (String key : sides[0].split(",")) {
                String word = key.trim();
                if (word.isEmpty()) {
                    throw new IllegalArgumentException("Invalid Keyword override Rule:" + rule);
                }
                builder.add(word, stem);
            }
        }
        StemmerOverrideFilter.StemmerOverrideMap map = builder.build();
        return plain(name, ts -> new StemmerOverrideFilter(ts, map));
    }

    private static TokenFilterFactory keywordMarker(IndexSettings idx, Environment env, String name, Settings s) {
        String pattern = s.get("keywords_pattern");
        List<String> words = Analysis.getWordList(env, s, "keywords");
        if (pattern != null && words != null) {
            throw new IllegalArgumentException("cannot specify both `keywords_pattern` and `keywords` or `keywords_path`");
        }
        if (pattern != null) {
            Pattern p = Pattern.compile(pattern);
            return plain(name, ts -> new PatternKeywordMarkerFilter(ts, p));
        }
        if (words == null) {
            throw new IllegalArgumentException("keyword filter requires either `keywords`, `keywords_path`, or `keywords_pattern` to be configured");
        }
        CharArraySet set = new CharArraySet(words, s.getAsBoolean("ignore_case", false));
        return plain(name, ts -> new SetKeywordMarkerFilter(ts, set));
    }

    private static int defaultWordDelimiterFlags() {
        return WordDelimiterGraphFilter.GENERATE_WORD_PARTS | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
            | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS
            | WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE;
    }

    private static TokenFilterFactory wordDelimiterGraph(IndexSettings idx, Environment env, String name, Settings s) {
        int flags = 0;
        flags |= flag(s, "generate_word_parts", true, WordDelimiterGraphFilter.GENERATE_WORD_PARTS);
        flags |= flag(s, "generate_number_parts", true, WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS);
        flags |= flag(s, "catenate_words", false, WordDelimiterGraphFilter.CATENATE_WORDS);
        flags |= flag(s, "catenate_numbers", false, WordDelimiterGraphFilter.CATENATE_NUMBERS);
        flags |= flag(s, "catenate_all", false, WordDelimiterGraphFilter.CATENATE_ALL);
        flags |= flag(s, "split_on_case_change", true, WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE);
        flags |= flag(s, "preserve_original", false, WordDelimiterGraphFilter.PRESERVE_ORIGINAL);
        flags |= flag(s, "split_on_numerics", true, WordDelimiterGraphFilter.SPLIT_ON_NUMERICS);
        flags |= flag(s, "stem_english_possessive", true, WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE);
        flags |= flag(s, "ignore_keywords", false, WordDelimiterGraphFilter.IGNORE_KEYWORDS);
        boolean adjustOffsets = s.getAsBoolean("adjust_offsets", true);
        List<String> protectedWords = Analysis.getWordList(env, s, "protected_words");
        CharArraySet protWords = protectedWords == null ? null : new CharArraySet(protectedWords, false);
        int finalFlags = flags;
        return positional(name,
            ts -> new WordDelimiterGraphFilter(ts, adjustOffsets, WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE, finalFlags, protWords));
    }

    private static int flag(Settings s, String key, boolean defaultValue, int bit) {
        return s.getAsBoolean(key, defaultValue) ? bit : 0;
    }

    /** A filter usable anywhere, including while parsing synonym rules. */
    static TokenFilterFactory plain(String name, Function<TokenStream, TokenStream> create) {
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(TokenStream tokenStream) {
                return create.apply(tokenStream);
            }
        };
    }

    /** A filter that is also applied by normalizers (keyword fields, term-level query text). */
    static TokenFilterFactory normalizing(String name, Function<TokenStream, TokenStream> create, Function<TokenStream, TokenStream> normalize) {
        return new NormalizingTokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(TokenStream tokenStream) {
                return create.apply(tokenStream);
            }

            @Override
            public TokenStream normalize(TokenStream tokenStream) {
                return normalize.apply(tokenStream);
            }
        };
    }

    /** A filter that adds tokens or positions; such filters must not run while synonym rules are parsed. */
    static TokenFilterFactory positional(String name, Function<TokenStream, TokenStream> create) {
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(TokenStream tokenStream) {
                return create.apply(tokenStream);
            }

            @Override
            public TokenFilterFactory getSynonymFilter() {
                throw new IllegalArgumentException("Token filter [" + name + "] cannot be used to parse synonyms");
            }
        };
    }
}
