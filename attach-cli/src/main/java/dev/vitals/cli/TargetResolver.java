package dev.vitals.cli;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns the {@code attach} target argument into one JVM: a number is a pid; anything else is a
 * regular expression searched ({@link java.util.regex.Matcher#find()}) in the main class or jar
 * of each listed JVM, and must match exactly one. Pure: the caller supplies the listed JVMs.
 */
final class TargetResolver {

    private static final Pattern PID = Pattern.compile("[0-9]{1,10}");

    /** The outcome: exactly one of {@link Pid}, {@link NoMatch}, {@link Ambiguous}. */
    sealed interface Resolution permits Pid, NoMatch, Ambiguous {
    }

    record Pid(long pid) implements Resolution {
    }

    record NoMatch(String regex) implements Resolution {
    }

    record Ambiguous(String regex, List<JvmDescriptor> matches) implements Resolution {
    }

    private TargetResolver() {
    }

    static boolean isPid(String target) {
        return PID.matcher(target).matches();
    }

    /**
     * @throws IllegalArgumentException if {@code target} is neither a pid nor a valid regular
     *     expression; the message says which
     */
    static Resolution resolve(String target, List<JvmDescriptor> jvms) {
        if (isPid(target)) {
            return new Pid(Long.parseLong(target));
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(target);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + target + "' is neither a pid nor a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
        List<JvmDescriptor> matches = jvms.stream()
                .filter(jvm -> pattern.matcher(jvm.main()).find())
                .sorted(Comparator.comparingLong(JvmDescriptor::pid))
                .toList();
        if (matches.isEmpty()) {
            return new NoMatch(target);
        }
        if (matches.size() > 1) {
            return new Ambiguous(target, matches);
        }
        return new Pid(matches.get(0).pid());
    }
}
