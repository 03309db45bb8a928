package org.cusportal.elasticsearch.analysis;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

import java.io.IOException;

/**
 * The {@code lowercase} tokenizer: splits on every non-letter and lower-cases the tokens
 * (Lucene 9 no longer ships a tokenizer that does both).
 */
final class LowerCaseLetterTokenizer extends Tokenizer {

    private static final int MAX_TOKEN_LENGTH = 255;

    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
    private final char[] buffer = new char[4096];
    private int bufferLength = 0;
    private int bufferPos = 0;
    private int consumed = 0;
    private int finalOffset = 0;

    @Override
    public boolean incrementToken() throws IOException {
        clearAttributes();
        int start = -1;
        int length = 0;
        while (true) {
            int position = consumed;
            int c = nextCodePoint();
            if (c == -1) {
                break;
            }
            if (Character.isLetter(c)) {
                if (start == -1) {
                    start = position;
                }
                length += Character.toChars(Character.toLowerCase(c), term.resizeBuffer(length + 2), length);
                term.setLength(length);
                if (length >= MAX_TOKEN_LENGTH) {
                    break;
                }
            } else if (start != -1) {
                break;
            }
        }
        finalOffset = correctOffset(consumed);
        if (start == -1) {
            return false;
        }
        offset.setOffset(correctOffset(start), correctOffset(start + lengthInInput(start)));
        return true;
    }

    private int tokenEnd = 0;

    /** Reads one code point (joining surrogate pairs) and records where the last letter ended. */
    private int nextCodePoint() throws IOException {
        int high = nextChar();
        if (high == -1) {
            return -1;
        }
        int cp = high;
        if (Character.isHighSurrogate((char) high)) {
            int low = nextChar();
            if (low != -1 && Character.isLowSurrogate((char) low)) {
                cp = Character.toCodePoint((char) high, (char) low);
            } else if (low != -1) {
                bufferPos--;
                consumed--;
            }
        }
        if (Character.isLetter(cp)) {
            tokenEnd = consumed;
        }
        return cp;
    }

    private int lengthInInput(int start) {
        return tokenEnd - start;
    }

    private int nextChar() throws IOException {
        if (bufferPos == bufferLength) {
            bufferLength = input.read(buffer, 0, buffer.length);
            bufferPos = 0;
            if (bufferLength <= 0) {
                bufferLength = 0;
                return -1;
            }
        }
        consumed++;
        return buffer[bufferPos++];
    }

    @Override
    public void end() throws IOException {
        super.end();
        offset.setOffset(finalOffset, finalOffset);
    }

    @Override
    public void reset() throws IOException {
        super.reset();
        bufferLength = 0;
        bufferPos = 0;
        consumed = 0;
        finalOffset = 0;
        tokenEnd = 0;
    }
}
