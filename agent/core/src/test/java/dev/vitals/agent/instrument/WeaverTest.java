package dev.vitals.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.agent.bridge.CacheListener;
import dev.vitals.agent.bridge.Hooks;
import dev.vitals.agent.bridge.StatementListener;
import dev.vitals.agent.caffeine.CaffeineInstrumentation;
import dev.vitals.agent.jdbc.JdbcTypes;
import dev.vitals.agent.jdbc.StatementInstrumentation;
import dev.vitals.weaving.NamedCacheSample;
import dev.vitals.weaving.WeavingSample;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The weaver on a real class file: the JDBC statement hooks woven into {@link WeavingSample},
 * defined in a loader of its own (so the JVM verifies it: a wrong stack map frame fails here),
 * called, and compared with what the unwoven class answers and what the listener heard.
 */
class WeaverTest {

    private static final String SAMPLE = WeavingSample.class.getName();
    private static final long START = 42L;

    /** Records what the woven code reports; can be told to throw from every call. */
    static final class Recording implements StatementListener {
        final List<String> calls = new ArrayList<>();
        boolean failing;

        private void fail() {
            if (failing) {
                throw new IllegalStateException("the listener failed");
            }
        }

        @Override
        public boolean creating() {
            fail();
            return true;
        }

        @Override
        public void created(Object connection, Object statement, String sql, boolean outermost, Throwable thrown) {
            fail();
        }

        @Override
        public long executing() {
            calls.add("executing");
            fail();
            return START;
        }

        @Override
        public void executed(Object statement, String sql, long start, Throwable thrown, long rows) {
            calls.add("executed " + statement.getClass().getSimpleName() + " sql=" + sql + " start=" + start
                    + " thrown=" + (thrown == null ? null : thrown.getMessage()) + " rows=" + rows);
            fail();
        }

        @Override
        public void executedBatch(Object statement, long start, Throwable thrown, Object updateCounts) {
            fail();
        }

        @Override
        public void batchAdded(Object statement, String sql) {
            calls.add("batchAdded " + sql);
            fail();
        }

        @Override
        public void closed(Object statement) {
            calls.add("closed");
            fail();
        }
    }

    private final Recording listener = new Recording();
    private final List<String> woven = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    @AfterEach
    void restore() {
        Hooks.statements = StatementListener.NONE;
        Hooks.caches = CacheListener.NONE;
    }

    /** The statement hooks, as the JDBC instrumentation hands them for a class implementing java.sql.Statement. */
    private static final class SampleStatements implements LibraryInstrumentation {
        private final List<MethodHook> hooks = new StatementInstrumentation(new JdbcTypes()).hooks(new ClassCandidate(
                "a/Driver", 0, "java/lang/Object", new String[] {"java/sql/Statement"}, null, null));

        @Override
        public String name() {
            return "sample";
        }

        @Override
        public Set<String> targetClassNames() {
            return Set.of(SAMPLE.replace('.', '/'));
        }

        @Override
        public List<MethodHook> hooks(ClassCandidate type) {
            return type.name().startsWith("dev.vitals.weaving.") ? hooks : List.of();
        }
    }

    /** Caffeine's JCache naming hook (a constructor exit reading two fields), as it hands it for CacheProxy. */
    private static final class SampleNames implements LibraryInstrumentation {
        private final List<MethodHook> hooks = new CaffeineInstrumentation.JCacheNames().hooks(new ClassCandidate(
                "com/github/benmanes/caffeine/jcache/CacheProxy", 0, "java/lang/Object", new String[0], null, null));

        @Override
        public String name() {
            return "names";
        }

        @Override
        public List<MethodHook> hooks(ClassCandidate type) {
            return type.name().equals(NamedCacheSample.class.getName()) ? hooks : List.of();
        }
    }

    private Weaver weaver() {
        return new Weaver(List.of(new SampleStatements(), new SampleNames()), new Weaver.Listener() {
            @Override
            public void woven(String className, Set<String> libraries, boolean retransformed) {
                woven.add(className + " " + libraries);
            }

            @Override
            public void failed(String className, List<LibraryInstrumentation> libraries, Throwable problem) {
                failures.add(className + " " + libraries.stream().map(LibraryInstrumentation::name).toList());
            }
        });
    }

    private static byte[] original() throws Exception {
        return bytes(WeavingSample.class);
    }

    private static byte[] bytes(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** The woven sample, defined by a loader of its own (child first for the sample only). */
    private Object wovenSample() throws Exception {
        return woven(WeavingSample.class).getConstructor().newInstance();
    }

    /** {@code type} woven and defined by a loader of its own, child first for it only: the JVM verifies it. */
    private Class<?> woven(Class<?> type) throws Exception {
        String sample = type.getName();
        byte[] bytes = weaver().transform(getClass().getClassLoader(), sample.replace('.', '/'), null, null, bytes(type));
        assertThat(failures).isEmpty();
        assertThat(bytes).isNotNull();
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(sample)) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> done = findLoadedClass(name);
                        return done != null ? done : defineClass(name, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return loader.loadClass(sample);
    }

    private static Object call(Object target, String name, Class<?>[] types, Object... arguments) throws Throwable {
        Method method = target.getClass().getMethod(name, types);
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void returnsWhatTheMethodReturnsAndReportsTheArgumentAsItCameIn() throws Throwable {
        Object sample = wovenSample();
        Hooks.statements = listener;
        WeavingSample plain = new WeavingSample();
        Class<?>[] string = {String.class};

        assertThat(call(sample, "executeUpdate", string, "  abc  ")).isEqualTo(plain.executeUpdate("  abc  ")).isEqualTo(3);
        assertThat(call(sample, "executeUpdate", string, "state")).isEqualTo(-3);
        assertThat(call(sample, "executeLargeUpdate", new Class<?>[] {String.class, long.class, double.class}, "xy", 1000L, 0.75))
                .isEqualTo(plain.executeLargeUpdate("xy", 1000L, 0.75));
        assertThat(call(sample, "execute", new Class<?>[0])).isEqualTo(true);
        assertThat(call(sample, "executeUpdate", new Class<?>[] {int.class}, 7)).isEqualTo(7);

        assertThat(listener.calls).containsExactly(
                "executing", "executed WeavingSample sql=  abc   start=42 thrown=null rows=3",
                "executing", "executed WeavingSample sql=state start=42 thrown=null rows=-3",
                "executing", "executed WeavingSample sql=xy start=42 thrown=null rows=" + plain.executeLargeUpdate("xy", 1000L, 0.75),
                "executing", "executed WeavingSample sql=null start=42 thrown=null rows=-1");
        assertThat(woven).containsExactly(SAMPLE + " [sample]");
    }

    @Test
    void theApplicationsExceptionPassesThroughOnceReported() throws Throwable {
        Object sample = wovenSample();
        Hooks.statements = listener;

        assertThatThrownBy(() -> call(sample, "executeUpdate", new Class<?>[] {String.class}, "fail now"))
                .isInstanceOf(SQLException.class).hasMessage("failed: fail now");
        assertThatThrownBy(() -> call(sample, "addBatch", new Class<?>[] {String.class}, ""))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(listener.calls).containsExactly(
                "executing", "executed WeavingSample sql=fail now start=42 thrown=failed: fail now rows=0");
    }

    @Test
    void whatTheListenerThrowsNeverReachesTheApplication() throws Throwable {
        Object sample = wovenSample();
        Hooks.statements = listener;
        listener.failing = true;

        assertThat(call(sample, "executeUpdate", new Class<?>[] {String.class}, " ab ")).isEqualTo(2);
        assertThatThrownBy(() -> call(sample, "executeUpdate", new Class<?>[] {String.class}, "fail"))
                .isInstanceOf(SQLException.class);
        call(sample, "addBatch", new Class<?>[] {String.class}, "insert");
        call(sample, "close", new Class<?>[0]);

        assertThat(sample.getClass().getField("closes").getInt(sample)).isEqualTo(1);
        // The exit still ran with the entry's default (0) after the entry failed.
        assertThat(listener.calls).containsExactly(
                "executing", "executed WeavingSample sql= ab  start=0 thrown=null rows=2",
                "executing", "executed WeavingSample sql=fail start=0 thrown=failed: fail rows=0",
                "batchAdded insert", "closed");
    }

    @Test
    void aConstructorHookReadsTheFieldsTheConstructorStored() throws Exception {
        List<String> named = new ArrayList<>();
        Hooks.caches = new CacheListener() {
            @Override
            public Object statsSupplier(Object builder) {
                return null;
            }

            @Override
            public boolean isStatsSupplier(Object supplier) {
                return false;
            }

            @Override
            public void statsCounterCreated(Object counter) {
            }

            @Override
            public void built(Object builder, Object cache) {
            }

            @Override
            public void named(Object cache, String name, String framework) {
                named.add(cache + " " + name + " " + framework);
            }

            @Override
            public void lookedUp(Object localCache, boolean recordStats, boolean hit) {
            }

            @Override
            public void computing(Object localCache, boolean recordStats) {
            }

            @Override
            public Object loading(Object localCache, Object mappingFunction, boolean recordLoad) {
                return mappingFunction;
            }
        };
        Class<?> sample = woven(NamedCacheSample.class);

        Object direct = sample.getConstructor(String.class, Object.class).newInstance("orders", "cache-1");
        Object delegating = sample.getConstructor(Object.class).newInstance("cache-2");

        assertThat(direct).hasToString("orders=cache-1");
        assertThat(delegating).hasToString("unnamed=cache-2");
        // Every constructor is hooked: the delegating one reports after the one it calls, with the same fields.
        assertThat(named).containsExactly("cache-1 orders jcache", "cache-2 unnamed jcache", "cache-2 unnamed jcache");
        assertThat(woven).containsExactly(NamedCacheSample.class.getName() + " [names]");
    }

    @Test
    void aClassWithoutAMatchingMethodIsLeftAlone() throws Exception {
        byte[] bytes = weaver().transform(getClass().getClassLoader(), "dev/vitals/weaving/WeavingSample$Unrelated", null,
                null, bytes(WeavingSample.Unrelated.class));
        assertThat(bytes).isNull();
        assertThat(woven).isEmpty();
    }

    @Test
    void aClassFileItCannotReadIsLeftAloneAndTheInstrumentationNamingItIsTold() {
        byte[] bytes = weaver().transform(getClass().getClassLoader(), SAMPLE.replace('.', '/'), null, null, new byte[] {1, 2, 3});
        assertThat(bytes).isNull();
        assertThat(failures).containsExactly(SAMPLE + " [sample]");
    }
}
