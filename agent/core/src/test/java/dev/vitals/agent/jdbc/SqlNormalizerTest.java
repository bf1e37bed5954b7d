package dev.vitals.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlNormalizerTest {

    static Stream<Arguments> cases() {
        return Stream.of(
            // string literals
            arguments("string", "SELECT * FROM t WHERE name = 'bob'", "SELECT * FROM t WHERE name = ?"),
            arguments("doubled quote", "SELECT * FROM t WHERE a = 'it''s' AND b = 'x'", "SELECT * FROM t WHERE a = ? AND b = ?"),
            arguments("empty string", "SELECT '' FROM t", "SELECT ? FROM t"),
            arguments("backslash is plain", "SELECT 'C:\\' , a FROM t", "SELECT ?, a FROM t"),
            arguments("E string escapes", "SELECT * FROM t WHERE a = E'it\\'s' AND b = e'\\\\'", "SELECT * FROM t WHERE a = ? AND b = ?"),
            arguments("N X B prefixes", "SELECT N'x', X'0A', b'0101', n 'y' FROM t", "SELECT ?, ?, ?, n ? FROM t"),
            arguments("unicode escape string", "SELECT U&'d\\0061t' FROM t", "SELECT ? FROM t"),
            arguments("dollar quote", "SELECT $$it's a 'body' $$ FROM t", "SELECT ? FROM t"),
            arguments("tagged dollar quote", "SELECT $fn$ x $$ y $fn$, $a$b$a$ FROM t", "SELECT ?, ? FROM t"),
            arguments("comment markers in strings", "SELECT '--no', '/* no */', 'a;b' FROM t", "SELECT ?, ?, ? FROM t"),
            arguments("typed literals", "SELECT DATE '2024-01-01', interval '1 day'", "SELECT DATE ?, interval ?"),

            // numbers
            arguments("numbers", "SELECT 42, 3.14, 1e-5, 6.02E+23, .5, 7., 0x1F, 1_000", "SELECT ?, ?, ?, ?, ?, ?, ?, ?"),
            arguments("negative numbers", "SELECT * FROM t WHERE a = -1 AND b > -2.5 AND c IN (-3) AND d = +4", "SELECT * FROM t WHERE a = ? AND b > ? AND c IN (?) AND d = ?"),
            arguments("subtraction", "SELECT a-1, a - 1, a -1, (a)-1, t.x-2 FROM t", "SELECT a-?, a - ?, a -?, (a)-?, t.x-? FROM t"),
            arguments("sign after keyword", "SELECT CASE WHEN a THEN -1 ELSE -2 END -1 FROM t LIMIT -1", "SELECT CASE WHEN a THEN ? ELSE ? END -? FROM t LIMIT ?"),
            arguments("sign apart from number", "SELECT a = - 1 FROM t", "SELECT a = - ? FROM t"),
            arguments("identifiers with digits", "select t1.col_2, c3, x9y FROM t1 JOIN t2 ON t1.id = t2.t1_id", "SELECT t1.col_2, c3, x9y FROM t1 JOIN t2 ON t1.id = t2.t1_id"),
            arguments("number glued to word", "SELECT 1abc FROM t", "SELECT ?abc FROM t"),

            // bind parameters
            arguments("parameters", "UPDATE t SET a = ?, b = $1, c = :name, d = ?2, e = $p WHERE id = :id", "UPDATE t SET a = ?, b = ?, c = ?, d = ?, e = ? WHERE id = ?"),
            arguments("cast is not a parameter", "SELECT a::text, :p::int, '1'::int FROM t", "SELECT a::text, ?::int, ?::int FROM t"),
            arguments("slice is not a parameter", "SELECT arr[lo:hi], arr[1:2] FROM t", "SELECT arr[lo:hi], arr[?:?] FROM t"),

            // kept: NULL, booleans
            arguments("null and booleans kept", "select * from t where a is null and b = true and c = False and d is not NULL", "SELECT * FROM t WHERE a IS NULL AND b = TRUE AND c = FALSE AND d IS NOT NULL"),

            // IN lists
            arguments("in list", "SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (?)"),
            arguments("in list, one element", "SELECT * FROM t WHERE id IN (7)", "SELECT * FROM t WHERE id IN (?)"),
            arguments("in list, no space", "SELECT * FROM t WHERE id IN(1,2)", "SELECT * FROM t WHERE id IN (?)"),
            arguments("in list, placeholders and whitespace", "SELECT * FROM t WHERE id in ( ?,\n ?\t, ? )", "SELECT * FROM t WHERE id IN (?)"),
            arguments("in list, strings", "SELECT * FROM t WHERE s NOT IN ('a', 'b''c', E'd')", "SELECT * FROM t WHERE s NOT IN (?)"),
            arguments("in list, comments", "SELECT * FROM t WHERE id IN /* ids */ (1, -- one\n 2)", "SELECT * FROM t WHERE id IN (?)"),
            arguments("in list of tuples", "SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))", "SELECT * FROM t WHERE (a, b) IN (?)"),
            arguments("in list with identifiers", "SELECT * FROM t WHERE id IN (a, b)", "SELECT * FROM t WHERE id IN (a, b)"),
            arguments("in list, mixed", "SELECT * FROM t WHERE id IN (1, a, 2)", "SELECT * FROM t WHERE id IN (?, a, ?)"),
            arguments("in subquery", "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE k IN (1, 2)) AND z IN (3)", "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE k IN (?)) AND z IN (?)"),
            arguments("empty in list", "SELECT * FROM t WHERE id IN ()", "SELECT * FROM t WHERE id IN ()"),
            arguments("array", "SELECT * FROM t WHERE id = ANY(ARRAY[1, 2, 3]) AND x = ANY(?)", "SELECT * FROM t WHERE id = ANY(ARRAY[?]) AND x = ANY(?)"),
            arguments("subscript", "SELECT arr[1], arr[i], m[1][2] FROM t", "SELECT arr[?], arr[i], m[?][?] FROM t"),

            // VALUES
            arguments("multi-row values", "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3,'z')", "INSERT INTO t (a, b) VALUES (?, ?)"),
            arguments("single row keeps its shape", "insert into t (a, b, c) values (?, ?, ?)", "INSERT INTO t (a, b, c) VALUES (?, ?, ?)"),
            arguments("rows with expressions", "INSERT INTO t VALUES (1, now()), (2, now()) RETURNING id", "INSERT INTO t VALUES (?, now()) RETURNING id"),
            arguments("different rows kept", "INSERT INTO t VALUES (1, DEFAULT), (2, 3), (4, 5)", "INSERT INTO t VALUES (?, DEFAULT), (?, ?)"),
            arguments("values then upsert", "INSERT INTO t (id, v) VALUES (1, 2), (3, 4) ON CONFLICT (id) DO UPDATE SET v = excluded.v", "INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v"),
            arguments("values as a table", "SELECT * FROM (VALUES (1), (2)) AS v(x)", "SELECT * FROM (VALUES (?)) AS v(x)"),
            arguments("values with in list", "INSERT INTO t VALUES (1 IN (1, 2)), (3 IN (4))", "INSERT INTO t VALUES (? IN (?))"),

            // whitespace and comments
            arguments("whitespace", "  SELECT\n\ta ,b\r\n  FROM   t\u00a0WHERE ( x = 1 )  ", "SELECT a, b FROM t WHERE (x = ?)"),
            arguments("comments", "SELECT a -- first\nFROM t /* block */ WHERE /* nested /* inner */ still */ b = 1 --end", "SELECT a FROM t WHERE b = ?"),
            arguments("comment separates", "SELECT a/*x*/FROM t", "SELECT a FROM t"),
            arguments("hint removed", "SELECT /*+ INDEX(t ix) */ a FROM t", "SELECT a FROM t"),
            arguments("dashes after value", "SELECT a--1\nFROM t", "SELECT a FROM t"),

            // keywords and identifiers
            arguments("keywords upper, identifiers kept", "select Name, o.Total from Users u left outer join Orders o on o.user_id = u.id where u.Active order by 1 desc", "SELECT Name, o.Total FROM Users u LEFT OUTER JOIN Orders o ON o.user_id = u.id WHERE u.Active ORDER BY ? DESC"),
            arguments("quoted identifiers", "select \"Mixed Case\", `back tick`, [bracket id], \"select\", \"a\"\"b\" from \"T\"", "SELECT \"Mixed Case\", `back tick`, [bracket id], \"select\", \"a\"\"b\" FROM \"T\""),
            arguments("keyword inside identifier", "SELECT order_id, selected, from_date FROM orders", "SELECT order_id, selected, from_date FROM orders"),
            arguments("dml", "delete from t where id = 5 returning *", "DELETE FROM t WHERE id = ? RETURNING *"),
            arguments("transaction", "begin; commit; rollback to savepoint s1", "BEGIN; COMMIT; ROLLBACK TO SAVEPOINT s1"),
            arguments("cte", "with recursive r as (select 1 union all select n + 1 from r where n < 10) select * from r", "WITH RECURSIVE r AS (SELECT ? UNION ALL SELECT n + ? FROM r WHERE n < ?) SELECT * FROM r"),
            arguments("between like exists", "SELECT * FROM t WHERE a between 1 and 2 and b like 'x%' escape '!' and exists (select 1 from u)", "SELECT * FROM t WHERE a BETWEEN ? AND ? AND b LIKE ? ESCAPE ? AND EXISTS (SELECT ? FROM u)"),
            arguments("for update", "select * from t for update skip locked", "SELECT * FROM t FOR UPDATE SKIP LOCKED"),

            // PostgreSQL
            arguments("pg json", "SELECT doc->>'name', doc @> '{\"a\":1}'::jsonb FROM t", "SELECT doc->>?, doc @> ?::jsonb FROM t"),
            arguments("pg function", "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $body$ LANGUAGE sql", "CREATE FUNCTION f() RETURNS int AS ? LANGUAGE sql"),

            // H2
            arguments("h2 merge", "MERGE INTO t KEY (id) VALUES (1, 'a')", "MERGE INTO t KEY (id) VALUES (?, ?)"),
            arguments("h2 alias", "CREATE ALIAS f AS $$ String f() { return \"x\"; } $$", "CREATE ALIAS f AS ?"),
            arguments("h2 paging", "SELECT * FROM t OFFSET 20 ROWS FETCH FIRST 10 ROWS ONLY", "SELECT * FROM t OFFSET ? ROWS FETCH FIRST ? ROWS ONLY"),
            arguments("jdbc escapes", "{call proc(?, 'x')}; SELECT {ts '2024-01-01 00:00:00'}", "{CALL proc(?, ?)}; SELECT {ts ?}"),

            // edge cases
            arguments("empty", "", ""),
            arguments("blank", " \n\t ", ""),
            arguments("only a line comment", "-- nothing here", ""),
            arguments("only a block comment", "/* nothing */", ""),
            arguments("unterminated string", "SELECT 'abc", "SELECT ?"),
            arguments("unterminated E string", "SELECT E'abc\\", "SELECT ?"),
            arguments("unterminated comment", "SELECT 1 /* x", "SELECT ?"),
            arguments("unterminated identifier", "SELECT \"abc", "SELECT \"abc"),
            arguments("unterminated dollar quote", "SELECT $x$abc", "SELECT ?"),
            arguments("unterminated list", "SELECT * FROM t WHERE a IN (1, 2", "SELECT * FROM t WHERE a IN (?, ?"),
            arguments("lone symbols", "$ : ? ) ] ,", "$ : ?) ],"),
            arguments("unicode", "SELECT prénom, 名前 FROM café WHERE nom = 'Zoë 😀' AND 年齢 = 30", "SELECT prénom, 名前 FROM café WHERE nom = ? AND 年齢 = ?"),
            arguments("nested parentheses", "SELECT ((a + 1) * (b - 2)) FROM t WHERE (x IN ((1)))", "SELECT ((a + ?) * (b - ?)) FROM t WHERE (x IN (?))"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void normalizes(String name, String sql, String expected) {
        assertThat(SqlNormalizer.normalize(sql)).isEqualTo(expected.strip());
        assertThat(SqlNormalizer.normalize(expected.strip())).as("idempotent").isEqualTo(expected.strip());
    }

    @Test
    void nullIsEmpty() {
        assertThat(SqlNormalizer.normalize(null)).isEqualTo(SqlNormalizer.EMPTY);
    }

    @Test
    void longStatementIsCutBeforeAWordWithAMarker() {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < 5_000; i++) {
            sql.append(i == 0 ? "" : ", ").append("column_").append(i);
        }
        sql.append(" FROM t WHERE a = 1");

        String key = SqlNormalizer.normalize(sql.toString());

        assertThat(key).hasSizeLessThanOrEqualTo(SqlNormalizer.MAX_LENGTH_CHARS)
                .hasSizeGreaterThan(SqlNormalizer.MAX_LENGTH_CHARS - 20)
                .startsWith("SELECT column_0, column_1, column_2")
                .endsWith(SqlNormalizer.TRUNCATION_MARKER)
                .matches("SELECT (column_\\d+, )+(column_\\d+)?\\.\\.\\.");
        assertThat(SqlNormalizer.normalize(key)).isEqualTo(key);
    }

    @Test
    void longWordIsCutWhole() {
        String key = SqlNormalizer.normalize("SELECT a, " + "x".repeat(10_000) + " FROM t");

        assertThat(key).isEqualTo("SELECT a, " + SqlNormalizer.TRUNCATION_MARKER);
    }

    @Test
    void giantInListStillFolds() {
        StringBuilder sql = new StringBuilder("SELECT * FROM t WHERE id IN (");
        for (int i = 0; i < 100_000; i++) {
            sql.append(i == 0 ? "" : ", ").append(i);
        }
        sql.append(") AND x = 'y'");

        assertThat(SqlNormalizer.normalize(sql.toString())).isEqualTo("SELECT * FROM t WHERE id IN (?) AND x = ?");
    }

    @Test
    void giantInListThatCannotFoldIsCut() {
        StringBuilder sql = new StringBuilder("SELECT * FROM t WHERE id IN (");
        for (int i = 0; i < 100_000; i++) {
            sql.append(i).append(", ");
        }
        sql.append("a)");

        String key = SqlNormalizer.normalize(sql.toString());

        assertThat(key).hasSizeLessThanOrEqualTo(SqlNormalizer.MAX_LENGTH_CHARS)
                .startsWith("SELECT * FROM t WHERE id IN (?, ?, ")
                .endsWith(SqlNormalizer.TRUNCATION_MARKER);
        assertThat(SqlNormalizer.normalize(key)).isEqualTo(key);
    }

    @Test
    void giantBatchInsertFolds() {
        StringBuilder sql = new StringBuilder("INSERT INTO t (a, b) VALUES ");
        for (int i = 0; i < 50_000; i++) {
            sql.append(i == 0 ? "" : ", ").append('(').append(i).append(", 'v").append(i).append("')");
        }

        assertThat(SqlNormalizer.normalize(sql.toString())).isEqualTo("INSERT INTO t (a, b) VALUES (?, ?)");
    }

    @Test
    void giantLiteralBecomesOneParameter() {
        assertThat(SqlNormalizer.normalize("INSERT INTO blobs VALUES ('" + "x".repeat(1_000_000) + "')"))
                .isEqualTo("INSERT INTO blobs VALUES (?)");
    }

    /** Statement templates with {@code %s} where a literal goes. */
    private static final List<String> TEMPLATES = List.of(
            "SELECT * FROM orders WHERE customer_id = %s AND status = %s",
            "select o.id, o.total from orders o where o.id in (%s, %s, %s) order by o.total desc limit %s",
            "UPDATE accounts SET balance = balance - %s WHERE id = %s",
            "INSERT INTO events (kind, payload, at) VALUES (%s, %s, %s), (%s, %s, %s)",
            "SELECT count(*) FROM t WHERE a BETWEEN %s AND %s OR b = %s -- trailing comment",
            "SELECT CASE WHEN x > %s THEN %s ELSE %s END FROM t WHERE y <> %s",
            "DELETE FROM sessions WHERE expires_at < %s AND user_id IN (%s)");

    private static String randomLiteral(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> Integer.toString(random.nextInt());
            case 1 -> Long.toString(random.nextLong());
            case 2 -> Double.toString(random.nextDouble() * 1e6);
            case 3 -> "'" + randomText(random).replace("'", "''") + "'";
            case 4 -> "E'" + randomText(random).replace("\\", "\\\\").replace("'", "\\'") + "'";
            case 5 -> "$$" + randomText(random).replace("$", "") + "$$";
            case 6 -> "?";
            default -> "0x" + Long.toHexString(random.nextLong());
        };
    }

    private static String randomText(Random random) {
        String alphabet = "ab cd'\"\\$-/*;,()é😀\n";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static String fill(String template, Function<Integer, String> literal) {
        int slots = template.split("%s", -1).length - 1;
        Object[] values = new Object[slots];
        for (int i = 0; i < slots; i++) {
            values[i] = literal.apply(i);
        }
        return String.format(template, values);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2024})
    void statementsDifferingOnlyInLiteralsShareAKey(long seed) {
        Random random = new Random(seed);
        for (String template : TEMPLATES) {
            String reference = SqlNormalizer.normalize(fill(template, i -> "?"));
            for (int round = 0; round < 50; round++) {
                String sql = fill(template, i -> randomLiteral(random));
                assertThat(SqlNormalizer.normalize(sql)).as(sql).isEqualTo(reference);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 11, 13, 17, 19})
    void normalizingTwiceChangesNothing(long seed) {
        Random random = new Random(seed);
        // SQL-significant characters, so that quotes, comments, lists and signs meet in odd ways
        String[] pieces = {" ", "\n", "'", "\"", "`", "[", "]", "(", ")", ",", "-", "+", "/", "*", "$",
            "$$", "$t$", ":", "::", "?", ".", ";", "0", "1.5", "e", "E", "x", "a1", "in", "IN", "values",
            "array", "null", "select", "from", "--", "/*", "*/", "\\", "é", "😀", "\uD83D", "\t", "=", "<>"};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sql = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                sql.append(pieces[random.nextInt(pieces.length)]);
            }
            String once = SqlNormalizer.normalize(sql.toString());
            assertThat(SqlNormalizer.normalize(once)).as("input <%s>", sql).isEqualTo(once);
            assertThat(once.length()).isLessThanOrEqualTo(SqlNormalizer.MAX_LENGTH_CHARS);
        }
    }

    @Test
    void normalizingTwiceChangesNothingForCutKeys() {
        Random random = new Random(5);
        String[] pieces = {" ", "a", "bc", "in", "(", ")", ",", "1", "'s'", "\"q q\"", "[b b]", "arr[", "]",
            "-", "::", ":p", "é", "😀", "order_id", "values", "array"};
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            StringBuilder sql = new StringBuilder("SELECT ");
            while (sql.length() < 2_300) {
                sql.append(pieces[random.nextInt(pieces.length)]);
            }
            String once = SqlNormalizer.normalize(sql.toString());
            if (!SqlNormalizer.normalize(once).equals(once)) {
                failures.add(sql.toString());
            }
        }
        assertThat(failures).isEmpty();
    }
}
