package dev.vitals.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void escapesWhatJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\"", Json.quote("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", Json.quote("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u001f\"", Json.quote("\u0000\u001f"));
        assertEquals("\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"));
        assertEquals("\"C:/x é ✓ /path\"", Json.quote("C:/x é ✓ /path"));
    }

    @Test
    void buildsObjectsInInsertionOrder() {
        String json = Json.object().put("pid", 42).put("attached", false).put("url", (String) null)
                .put("main", "app \"quoted\".jar").putRaw("health", "{\"status\":\"up\"}").toString();
        assertEquals("{\"pid\":42,\"attached\":false,\"url\":null,\"main\":\"app \\\"quoted\\\".jar\","
                + "\"health\":{\"status\":\"up\"}}", json);
        assertEquals("{}", Json.object().toString());
        assertEquals("[]", Json.array(List.of()));
        assertEquals("[{},{}]", Json.array(List.of("{}", "{}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", " {\"a\":1} ", "{\"a\":\"}\",\"b\":[1,{\"c\":\"\\\"\"}]}"})
    void recognisesObjects(String text) {
        assertTrue(Json.looksLikeObject(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "up", "{\"a\":1}}", "{\"a\":1}{", "{\"a\":\"}", "{}{}", "<html>"})
    void rejectsWhatWouldBreakTheDocument(String text) {
        assertFalse(Json.looksLikeObject(text));
    }

    @Test
    void listJsonHasTheContractsFields() {
        List<JvmInventory.JvmInfo> rows = List.of(
                new JvmInventory.JvmInfo(7, "my \"app\".jar", "17.0.15", "app", "http://127.0.0.1:9797/", true),
                new JvmInventory.JvmInfo(8, "Main", "?", "root", null, false));
        assertEquals("[{\"pid\":7,\"main\":\"my \\\"app\\\".jar\",\"java_version\":\"17.0.15\",\"user\":\"app\","
                + "\"vitals_url\":\"http://127.0.0.1:9797/\"},"
                + "{\"pid\":8,\"main\":\"Main\",\"java_version\":\"?\",\"user\":\"root\",\"vitals_url\":null}]",
                JvmInventory.json(rows));
    }

    @Test
    void listTableIsAlignedInColumns() {
        List<JvmInventory.JvmInfo> rows = List.of(
                new JvmInventory.JvmInfo(7, "com.example.Main", "17.0.15", "app", "http://127.0.0.1:9797/", true),
                new JvmInventory.JvmInfo(12345, "x.jar", "21", "root", null, true),
                new JvmInventory.JvmInfo(99, "Stuck", "?", "root", null, false));
        String nl = System.lineSeparator();
        assertEquals(""
                + "PID    MAIN              JAVA     USER  VITALS" + nl
                + "7      com.example.Main  17.0.15  app   http://127.0.0.1:9797/" + nl
                + "12345  x.jar             21       root  -" + nl
                + "99     Stuck             ?        root  ?" + nl,
                JvmInventory.table(rows));
    }
}
