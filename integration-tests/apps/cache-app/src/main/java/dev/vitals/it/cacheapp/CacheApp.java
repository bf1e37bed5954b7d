package dev.vitals.it.cacheapp;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A Caffeine application for the integration tests, driven over stdin, one command per line:
 * {@code run N} (N lookups on every cache), {@code report} (prints
 * {@code report <seq> {json}} with the app's own counts and each cache's {@code stats()}),
 * {@code drop} (forgets one cache, for a garbage-collection test), {@code exit}. Each command
 * answers {@code done <command>} on stdout once it is complete. Started, it prints
 * {@code cache-app ready pid=<pid> caffeine=<jar>}.
 *
 * <p>Arguments: {@code --spring} adds two caches made by Spring's {@code CaffeineCacheManager}
 * (needs spring-context-support on the class path, and so Caffeine 3).
 */
public final class CacheApp {

    private CacheApp() {
    }

    public static void main(String[] args) throws IOException {
        boolean spring = args.length > 0 && args[0].equals("--spring");
        Shop shop = new Shop();
        SpringShop springShop = spring ? new SpringShop() : null;
        String caffeine = Path.of(Caffeine.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .getFileName().toString();
        System.out.println("cache-app ready pid=" + ProcessHandle.current().pid() + " caffeine=" + caffeine);
        int seq = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.trim();
            if (command.startsWith("run ")) {
                int rounds = Integer.parseInt(command.substring(4).trim());
                shop.run(rounds);
                if (springShop != null) {
                    springShop.run(rounds);
                }
            } else if (command.equals("report")) {
                String json = "{" + shop.json() + (springShop != null ? "," + springShop.json() : "") + "}";
                System.out.println("report " + (++seq) + " " + json);
            } else if (command.equals("drop")) {
                shop.droppable = null;
            } else if (command.equals("exit")) {
                System.out.println("done exit");
                return;
            } else {
                System.out.println("unknown command " + command);
                continue;
            }
            System.out.println("done " + command);
        }
    }
}
