package dev.vitals.agent.jdbc;

/**
 * Turns SQL text into the statement key Vitals groups executions by and shows to users, so that
 * every execution of one statement shape lands on one key whatever its values.
 *
 * <p>The rules:
 * <ol>
 *   <li><b>Values become {@code ?}.</b> String literals ({@code 'it''s'}; PostgreSQL's
 *       {@code E'it\'s'} with backslash escapes, {@code U&'…'}, dollar-quoted {@code $$…$$} and
 *       {@code $tag$…$tag$}; {@code N'…'}, {@code X'…'}, {@code B'…'}), numbers ({@code 42},
 *       {@code 3.14}, {@code .5}, {@code 1e-5}, {@code 0x1F}, {@code 1_000}), a sign directly before a
 *       number where it cannot be a subtraction ({@code = -1}, {@code (-1}, {@code THEN -1}, but
 *       {@code a-1} and {@code a - 1} stay subtractions and become {@code a-?} and {@code a - ?}),
 *       and bind parameters ({@code ?}, {@code ?1}, {@code $1}, {@code :name}, {@code $name}).
 *       {@code NULL}, {@code TRUE} and {@code FALSE} are kept: {@code IS NULL} and {@code = NULL},
 *       or a flag fixed by the code path, are different statements worth telling apart.</li>
 *   <li><b>Lists of values fold.</b> After {@code IN}, a parenthesised list holding nothing but
 *       values, commas and nested such lists ({@code IN (1, 2, 3)}, {@code IN ((1, 2), (3, 4))})
 *       becomes {@code IN (?)}; so does {@code ARRAY[1, 2]}, which becomes {@code ARRAY[?]}. A list
 *       with anything else in it ({@code IN (a, 1)}, {@code IN (SELECT …)}) is kept, with its
 *       values replaced. After {@code VALUES}, a row identical to the row before it is dropped, so
 *       {@code VALUES (1, 'a'), (2, 'b')} becomes {@code VALUES (?, ?)} and a 500-row batch insert has
 *       the key of a one-row insert; a single row keeps its shape ({@code VALUES (?, ?, now())}).</li>
 *   <li><b>Comments go, whitespace collapses.</b> {@code -- …} to the end of the line and
 *       {@code /* … *}{@code /} (nested, as in standard SQL and PostgreSQL; optimizer hints included)
 *       count as whitespace; any run of whitespace becomes one space; there is none at either end,
 *       none after {@code (}, none before {@code )} or {@code ,}, and exactly one after {@code ,}.
 *       MySQL's {@code #} comments are not recognised ({@code #} is an operator in PostgreSQL).</li>
 *   <li><b>Keywords are upper-cased, identifiers are not.</b> The keywords are the reserved words
 *       common to PostgreSQL, H2, SQLite and MySQL that rarely name a column (see
 *       {@code KEYWORD_LIST}); other words keep their case. Quoted identifiers ({@code "Mixed Case"},
 *       {@code `ticks`}, {@code [brackets]}) are kept verbatim; {@code [} after a value or after
 *       {@code ARRAY} is a subscript or an array, not an identifier.</li>
 *   <li><b>The key is at most {@link #MAX_LENGTH_CHARS} long.</b> Longer keys are cut before a word
 *       and end with {@link #TRUNCATION_MARKER}; a list being folded does not count against the
 *       limit, so a 10,000-element {@code IN} list still folds.</li>
 * </ol>
 *
 * <p>Normalizing a key again gives the same key, and so does a statement that differs only in its
 * values. Strings follow the SQL standard: a backslash escapes nothing outside {@code E'…'} (MySQL's
 * default {@code 'it\'s'} is not understood, nor MySQL's double-quoted strings, which are read as
 * identifiers).
 *
 * <p>Threading: stateless, callable from any thread. It runs on application threads when a
 * statement is prepared, so it is one O(n) pass without regular expressions that allocates a
 * small cursor, one {@link StringBuilder} (sized from the input, capped like the key) and the key
 * itself, and never
 * throws: {@code null} or a statement of only whitespace and comments gives {@link #EMPTY};
 * unterminated quotes and comments run to the end of the text.
 */
public final class SqlNormalizer {

    /** Longest key returned, in chars, marker included: bounds what one giant statement can cost. */
    public static final int MAX_LENGTH_CHARS = 2_000;

    /** Ends a key that was cut at {@link #MAX_LENGTH_CHARS}. */
    public static final String TRUNCATION_MARKER = "...";

    /** The key of {@code null}, the empty string and a statement of only whitespace and comments. */
    public static final String EMPTY = "";

    /** Longest keyword, in chars; longer words skip the keyword lookup. */
    private static final int MAX_KEYWORD_CHARS = 12;

    /** Longest {@code $tag$} accepted as a dollar quote (PostgreSQL's identifier limit); bounds the closing-tag search. */
    private static final int MAX_DOLLAR_TAG_CHARS = 63;

    /** Upper-cased by the normalizer; {@code KIND_*} below say which ones it also acts on. */
    private static final String[] KEYWORD_LIST = {
        "SELECT", "FROM", "WHERE", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "MERGE",
        "USING", "MATCHED", "JOIN", "LEFT", "RIGHT", "FULL", "INNER", "OUTER", "CROSS", "NATURAL",
        "LATERAL", "ON", "AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE", "ORDER", "BY",
        "GROUP", "HAVING", "LIMIT", "OFFSET", "FETCH", "ROWS", "ONLY", "TOP", "AS", "ASC", "DESC",
        "NULLS", "DISTINCT", "UNION", "INTERSECT", "EXCEPT", "ALL", "ANY", "SOME", "CASE", "WHEN",
        "THEN", "ELSE", "END", "BETWEEN", "LIKE", "ILIKE", "SIMILAR", "ESCAPE", "COLLATE", "EXISTS",
        "WITH", "RECURSIVE", "RETURNING", "CALL", "EXEC", "EXECUTE", "DECLARE", "BEGIN", "COMMIT",
        "ROLLBACK", "SAVEPOINT", "TRANSACTION", "CREATE", "TABLE", "VIEW", "TEMPORARY", "SEQUENCE",
        "TRIGGER", "PROCEDURE", "FUNCTION", "RETURNS", "DROP", "ALTER", "TRUNCATE", "INDEX",
        "UNIQUE", "PRIMARY", "FOREIGN", "REFERENCES", "CONSTRAINT", "DEFAULT", "CASCADE",
        "RESTRICT", "IF", "TO", "FOR", "OF", "SHARE", "LOCK", "NOWAIT", "SKIP", "LOCKED", "OVER",
        "PARTITION", "WINDOW", "CAST", "CONFLICT", "DO", "NOTHING", "DUPLICATE", "ARRAY", "EXPLAIN",
        "ANALYZE", "GRANT", "REVOKE",
    };

    /** Slots in the keyword hash table: a power of two, at least twice the keyword count. */
    private static final int KEYWORD_TABLE_SIZE = 256;

    private static final byte KIND_PLAIN = 0;
    /** NULL, TRUE, FALSE, END: a sign after them is a subtraction. */
    private static final byte KIND_VALUE = 1;
    /** IN: a list of values after it folds. */
    private static final byte KIND_IN = 2;
    /** VALUES: repeated rows after it are dropped. */
    private static final byte KIND_VALUES = 3;
    /** ARRAY: the {@code [} after it opens a foldable list. */
    private static final byte KIND_ARRAY = 4;

    private static final String[] KEYWORDS = new String[KEYWORD_TABLE_SIZE];
    private static final byte[] KEYWORD_KINDS = new byte[KEYWORD_TABLE_SIZE];

    static {
        for (String keyword : KEYWORD_LIST) {
            int hash = 0;
            for (int i = 0; i < keyword.length(); i++) {
                hash = 31 * hash + keyword.charAt(i);
            }
            int slot = spread(hash);
            while (KEYWORDS[slot] != null) {
                slot = (slot + 1) & (KEYWORD_TABLE_SIZE - 1);
            }
            KEYWORDS[slot] = keyword;
            KEYWORD_KINDS[slot] = switch (keyword) {
                case "NULL", "TRUE", "FALSE", "END" -> KIND_VALUE;
                case "IN" -> KIND_IN;
                case "VALUES" -> KIND_VALUES;
                case "ARRAY" -> KIND_ARRAY;
                default -> KIND_PLAIN;
            };
        }
    }

    private SqlNormalizer() {
    }

    /**
     * Returns the statement key of {@code sql}: see the class documentation for the rules.
     *
     * @param sql SQL text as given to the driver, or {@code null}
     * @return the key, at most {@link #MAX_LENGTH_CHARS} long; {@link #EMPTY} for {@code null} and
     *     for text with nothing but whitespace and comments
     */
    public static String normalize(String sql) {
        if (sql == null || sql.isEmpty()) {
            return EMPTY;
        }
        return new Pass(sql).run();
    }

    private static int spread(int hash) {
        return (hash ^ (hash >>> 16)) & (KEYWORD_TABLE_SIZE - 1);
    }

    // ASCII first: SQL is almost all ASCII, and the Character lookups cost a table walk per char

    private static boolean isSpace(char c) {
        return c <= ' ' || (c >= 0x80 && Character.isSpaceChar(c));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isWordStart(char c) {
        return isAsciiLetter(c) || c == '_' || (c >= 0x80 && Character.isLetter(c));
    }

    private static boolean isWordPart(char c) {
        return isAsciiLetter(c) || isDigit(c) || c == '_' || c == '$' || (c >= 0x80 && Character.isLetterOrDigit(c));
    }

    private static boolean isTagPart(char c) {
        return c != '$' && isWordPart(c);
    }

    /** Letters that turn a following {@code '…'} into a literal: E (escapes), N (national), X (hex), B (bits). */
    private static boolean isStringPrefix(char c) {
        return switch (c) {
            case 'E', 'e', 'N', 'n', 'X', 'x', 'B', 'b' -> true;
            default -> false;
        };
    }

    /** One normalization: the cursor into the input, the key being built and what the rules need to remember. */
    private static final class Pass {

        /** The previous token was a value (a sign after it subtracts, a {@code [} after it subscripts). */
        private static final int PREV_VALUE = 0;
        /** The previous token was an operator, punctuation or keyword, or there was none. */
        private static final int PREV_OTHER = 1;
        /** The previous token was {@code ARRAY}. */
        private static final int PREV_ARRAY = 2;

        private static final int VALUES_NONE = 0;
        private static final int VALUES_EXPECT_ROW = 1;
        private static final int VALUES_IN_ROW = 2;
        private static final int VALUES_AFTER_ROW = 3;

        private final String sql;
        private final int length;
        private final StringBuilder out;
        private int pos;

        private int prev = PREV_OTHER;
        /** Whitespace or a comment was skipped since the last token. */
        private boolean pendingSpace;
        /** The last token was {@code (}: no space after it. */
        private boolean afterOpen;
        /** The last token was {@code IN}: a {@code (} now opens a foldable list. */
        private boolean expectList;
        /** Output was refused at {@link #MAX_LENGTH_CHARS}. */
        private boolean overflow;
        private int parenDepth;

        /** Where the open foldable list starts in {@link #out}, or -1: at most one is open, the innermost. */
        private int listMark = -1;
        private int listDepth;
        private boolean listHasValue;
        private boolean listIsArray;

        private int valuesState = VALUES_NONE;
        private int valuesDepth;
        private int rowStart;
        private int previousRowStart;
        /** End of the last row kept after VALUES, or -1 if there is none to compare with. */
        private int previousRowEnd = -1;

        Pass(String sql) {
            this.sql = sql;
            this.length = sql.length();
            this.out = new StringBuilder(Math.min(length, MAX_LENGTH_CHARS) + 16);
        }

        String run() {
            while (pos < length) {
                // Past the limit only a list that may still fold is worth reading on.
                if (overflow && listMark < 0) {
                    break;
                }
                char c = sql.charAt(pos);
                if (isSpace(c)) {
                    pendingSpace = true;
                    pos++;
                } else if (c == '-' && at(pos + 1) == '-') {
                    skipLineComment();
                } else if (c == '/' && at(pos + 1) == '*') {
                    skipBlockComment();
                } else if (c == '\'') {
                    pos = endOfQuoted(pos, '\'', false);
                    value();
                } else if (c == '"' || c == '`') {
                    quotedIdentifier(c);
                } else if (c == '[') {
                    openBracket();
                } else if (isDigit(c) || (c == '.' && prev != PREV_VALUE && isDigit(at(pos + 1)))) {
                    pos = endOfNumber(pos);
                    value();
                } else if ((c == '-' || c == '+') && prev != PREV_VALUE && startsNumber(pos + 1)) {
                    pos = endOfNumber(pos + 1);
                    value();
                } else if (c == '?') {
                    pos = endOfPlainDigits(pos + 1);
                    value();
                } else if (c == '$') {
                    dollar();
                } else if (c == ':') {
                    colon();
                } else if (isWordStart(c)) {
                    word();
                } else if (c == '(') {
                    openParen();
                } else if (c == ')' || c == ']') {
                    close(c);
                } else if (c == ',') {
                    comma();
                } else {
                    pos++;
                    symbol(c);
                }
            }
            return overflow ? truncated() : out.toString();
        }

        private char at(int index) {
            return index < length ? sql.charAt(index) : '\0';
        }

        // ---- scanning: where a comment, literal or word ends ----

        private void skipLineComment() {
            int i = pos + 2;
            while (i < length && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
                i++;
            }
            pos = i;
            pendingSpace = true;
        }

        private void skipBlockComment() {
            int depth = 1;
            int i = pos + 2;
            while (i < length && depth > 0) {
                char c = sql.charAt(i);
                if (c == '*' && at(i + 1) == '/') {
                    depth--;
                    i += 2;
                } else if (c == '/' && at(i + 1) == '*') {
                    depth++;
                    i += 2;
                } else {
                    i++;
                }
            }
            pos = i;
            pendingSpace = true;
        }

        /** A quoted run opened at {@code open}; the closing character doubled is an escape; unterminated runs to the end. */
        private int endOfQuoted(int open, char close, boolean backslashEscapes) {
            int i = open + 1;
            while (i < length) {
                char c = sql.charAt(i);
                if (backslashEscapes && c == '\\') {
                    i += 2;
                } else if (c == close) {
                    if (at(i + 1) != close) {
                        return i + 1;
                    }
                    i += 2;
                } else {
                    i++;
                }
            }
            return length;
        }

        private boolean startsNumber(int i) {
            return isDigit(at(i)) || (at(i) == '.' && isDigit(at(i + 1)));
        }

        /** Digits of a parameter number ({@code ?12}, {@code $12}): no separators. */
        private int endOfPlainDigits(int i) {
            while (i < length && isDigit(sql.charAt(i))) {
                i++;
            }
            return i;
        }

        /** Digits of a number literal, with PostgreSQL 16's {@code _} separators between them. */
        private int endOfDigits(int i) {
            while (i < length && (isDigit(sql.charAt(i)) || (sql.charAt(i) == '_' && isDigit(at(i + 1))))) {
                i++;
            }
            return i;
        }

        private int endOfNumber(int start) {
            int i = start;
            if (sql.charAt(i) == '0' && (at(i + 1) == 'x' || at(i + 1) == 'X') && isHexDigit(at(i + 2))) {
                i += 2;
                while (i < length && isHexDigit(sql.charAt(i))) {
                    i++;
                }
                return i;
            }
            i = endOfDigits(i);
            if (at(i) == '.') {
                i = endOfDigits(i + 1);
            }
            if (at(i) == 'e' || at(i) == 'E') {
                int j = i + 1;
                if (at(j) == '+' || at(j) == '-') {
                    j++;
                }
                if (isDigit(at(j))) {
                    i = endOfDigits(j);
                }
            }
            return i;
        }

        private int endOfWord(int i) {
            while (i < length && isWordPart(sql.charAt(i))) {
                i++;
            }
            return i;
        }

        /** The dollar quote whose delimiter ({@code $$} or {@code $tag$}) starts at {@code open}. */
        private int endOfDollarQuoted(int open, int delimiterLength) {
            int i = open + delimiterLength;
            while (true) {
                int dollar = sql.indexOf('$', i);
                if (dollar < 0 || dollar + delimiterLength > length) {
                    return length;
                }
                if (sql.regionMatches(dollar, sql, open, delimiterLength)) {
                    return dollar + delimiterLength;
                }
                i = dollar + 1;
            }
        }

        // ---- tokens ----

        private void dollar() {
            char next = at(pos + 1);
            if (isDigit(next)) {
                pos = endOfPlainDigits(pos + 1);
                value();
                return;
            }
            int tagEnd = pos + 1;
            if (isWordStart(next)) {
                while (tagEnd < length && isTagPart(sql.charAt(tagEnd))) {
                    tagEnd++;
                }
            }
            int tagLength = tagEnd - pos - 1;
            if (at(tagEnd) == '$' && tagLength <= MAX_DOLLAR_TAG_CHARS) {
                pos = endOfDollarQuoted(pos, tagLength + 2);
                value();
            } else if (tagLength > 0) {
                pos = tagEnd; // SQLite's $name parameter
                value();
            } else {
                pos++;
                symbol('$');
            }
        }

        private void colon() {
            char next = at(pos + 1);
            if (next == ':') {
                pos += 2;
                generic(':');
                append("::");
                finish(PREV_OTHER);
            } else if (prev != PREV_VALUE && isWordStart(next)) {
                // :name parameter; after a value it is a slice bound, arr[lo:hi]
                pos = endOfWord(pos + 1);
                value();
            } else {
                pos++;
                symbol(':');
            }
        }

        private void word() {
            int start = pos;
            int hash = 0;
            boolean ascii = true;
            while (pos < length) {
                char c = sql.charAt(pos);
                if (!isWordPart(c)) {
                    break;
                }
                ascii &= c < 0x80;
                hash = 31 * hash + (c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
                pos++;
            }
            int wordLength = pos - start;
            char first = sql.charAt(start);
            if (wordLength == 1 && at(pos) == '\'' && isStringPrefix(first)) {
                pos = endOfQuoted(pos, '\'', first == 'E' || first == 'e');
                value();
                return;
            }
            if (wordLength == 1 && (first == 'U' || first == 'u') && at(pos) == '&' && at(pos + 1) == '\'') {
                pos = endOfQuoted(pos + 1, '\'', false);
                value();
                return;
            }
            int slot = ascii && wordLength <= MAX_KEYWORD_CHARS ? keywordSlot(start, wordLength, hash) : -1;
            generic(first);
            if (slot < 0) {
                append(sql, start, pos);
                finish(PREV_VALUE);
                return;
            }
            String keyword = KEYWORDS[slot];
            append(keyword, 0, keyword.length());
            byte kind = KEYWORD_KINDS[slot];
            finish(kind == KIND_VALUE ? PREV_VALUE : kind == KIND_ARRAY ? PREV_ARRAY : PREV_OTHER);
            if (kind == KIND_IN) {
                expectList = true;
            } else if (kind == KIND_VALUES) {
                valuesState = VALUES_EXPECT_ROW;
                valuesDepth = parenDepth;
                previousRowEnd = -1;
            }
        }

        private int keywordSlot(int start, int wordLength, int hash) {
            for (int slot = spread(hash); KEYWORDS[slot] != null; slot = (slot + 1) & (KEYWORD_TABLE_SIZE - 1)) {
                String keyword = KEYWORDS[slot];
                if (keyword.length() == wordLength && matchesUpperCase(start, keyword)) {
                    return slot;
                }
            }
            return -1;
        }

        /** Whether the ASCII word at {@code start} is {@code keyword} in any case. */
        private boolean matchesUpperCase(int start, String keyword) {
            for (int i = 0; i < keyword.length(); i++) {
                char c = sql.charAt(start + i);
                if ((c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c) != keyword.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private void quotedIdentifier(char close) {
            int start = pos;
            pos = endOfQuoted(pos, close, false);
            generic(sql.charAt(start));
            append(sql, start, pos);
            finish(PREV_VALUE);
        }

        private void openBracket() {
            if (prev != PREV_VALUE && prev != PREV_ARRAY) {
                quotedIdentifier(']');
                return;
            }
            boolean array = prev == PREV_ARRAY;
            pos++;
            space('[');
            endValuesUnlessInRow();
            int mark = out.length();
            append('[');
            if (listMark >= 0) {
                listDepth++;
            } else if (array) {
                openList(mark, true);
            }
            finish(PREV_OTHER);
        }

        private void openParen() {
            pos++;
            space('(');
            int mark = out.length();
            append('(');
            if (listMark >= 0) {
                listDepth++;
            } else if (expectList) {
                openList(mark, false);
            }
            if (valuesState == VALUES_EXPECT_ROW) {
                rowStart = mark;
                valuesState = VALUES_IN_ROW;
            } else if (valuesState == VALUES_AFTER_ROW) {
                valuesState = VALUES_NONE;
            }
            parenDepth++;
            finish(PREV_OTHER);
            afterOpen = true;
        }

        private void close(char c) {
            pos++;
            space(c);
            append(c);
            if (listMark >= 0 && --listDepth == 0) {
                closeList();
            }
            if (c == ')') {
                if (parenDepth > 0) {
                    parenDepth--;
                }
                if (valuesState != VALUES_IN_ROW) {
                    valuesState = VALUES_NONE;
                } else if (parenDepth == valuesDepth) {
                    endRow();
                }
            } else {
                endValuesUnlessInRow();
            }
            finish(PREV_VALUE);
        }

        private void comma() {
            pos++;
            space(',');
            append(',');
            if (valuesState == VALUES_AFTER_ROW) {
                valuesState = VALUES_EXPECT_ROW;
            } else if (valuesState == VALUES_EXPECT_ROW) {
                valuesState = VALUES_NONE;
            }
            finish(PREV_OTHER);
            pendingSpace = true;
        }

        /** A literal or parameter, already skipped: written as {@code ?}. */
        private void value() {
            space('?');
            endValuesUnlessInRow();
            if (listMark >= 0) {
                listHasValue = true;
            }
            append('?');
            finish(PREV_VALUE);
        }

        private void symbol(char c) {
            generic(c);
            append(c);
            finish(PREV_OTHER);
        }

        /** Before any token that is not a value, a comma or a bracket: it ends VALUES rows and spoils a foldable list. */
        private void generic(char first) {
            space(first);
            endValuesUnlessInRow();
            listMark = -1;
        }

        private void finish(int kind) {
            prev = kind;
            expectList = false;
        }

        /** Writes the space owed before a token that starts with {@code first}. */
        private void space(char first) {
            if (pendingSpace) {
                pendingSpace = false;
                if (out.length() > 0 && !afterOpen && first != ')' && first != ',') {
                    append(' ');
                }
            }
            afterOpen = false;
        }

        // ---- folding ----

        private void openList(int mark, boolean array) {
            listMark = mark;
            listDepth = 1;
            listHasValue = false;
            listIsArray = array;
        }

        private void closeList() {
            int mark = listMark;
            listMark = -1;
            if (!listHasValue) {
                return;
            }
            truncateTo(mark);
            // whatever was refused at the limit belonged to the list just folded away
            overflow = false;
            if (listIsArray) {
                append("[?]");
            } else {
                if (mark > 0 && out.charAt(mark - 1) != ' ') {
                    append(' ');
                }
                append("(?)");
            }
        }

        private void endValuesUnlessInRow() {
            if (valuesState != VALUES_IN_ROW) {
                valuesState = VALUES_NONE;
            }
        }

        private void endRow() {
            int rowEnd = out.length();
            if (previousRowEnd >= 0 && !overflow && sameText(previousRowStart, previousRowEnd, rowStart, rowEnd)) {
                truncateTo(previousRowEnd); // drops ", (row)"
            } else {
                previousRowStart = rowStart;
                previousRowEnd = rowEnd;
            }
            valuesState = VALUES_AFTER_ROW;
        }

        private boolean sameText(int start1, int end1, int start2, int end2) {
            if (end1 - start1 != end2 - start2) {
                return false;
            }
            for (int i = start1, j = start2; i < end1; i++, j++) {
                if (out.charAt(i) != out.charAt(j)) {
                    return false;
                }
            }
            return true;
        }

        private void truncateTo(int newLength) {
            if (newLength >= out.length()) {
                return;
            }
            out.setLength(newLength);
            if (listMark >= newLength) {
                listMark = -1;
            }
            if (previousRowEnd > newLength) {
                previousRowEnd = -1;
            }
        }

        // ---- output, capped ----

        private void append(char c) {
            if (out.length() < MAX_LENGTH_CHARS) {
                out.append(c);
            } else {
                overflow = true;
            }
        }

        private void append(String s) {
            append(s, 0, s.length());
        }

        private void append(String s, int start, int end) {
            int room = MAX_LENGTH_CHARS - out.length();
            if (end - start > room) {
                overflow = true;
                end = start + Math.max(room, 0);
            }
            out.append(s, start, end);
        }

        /**
         * Cuts the full builder to leave room for the marker, at a point where normalizing the
         * result again gives it back: never inside a word (a cut {@code order_id} would read as the
         * keyword {@code ORDER}) or a surrogate pair, never right after a space.
         */
        private String truncated() {
            int cut = Math.min(out.length(), MAX_LENGTH_CHARS - TRUNCATION_MARKER.length() - 1);
            while (cut > 0 && cut < out.length() && isWordPart(out.charAt(cut - 1)) && isWordPart(out.charAt(cut))) {
                cut--;
            }
            if (cut > 0 && Character.isHighSurrogate(out.charAt(cut - 1))) {
                cut--;
            }
            while (cut > 0 && out.charAt(cut - 1) == ' ') {
                cut--;
            }
            out.setLength(cut);
            if (cut > 0 && out.charAt(cut - 1) == ',') {
                out.append(' '); // the space a comma always gets
            }
            return out.append(TRUNCATION_MARKER).toString();
        }
    }
}
