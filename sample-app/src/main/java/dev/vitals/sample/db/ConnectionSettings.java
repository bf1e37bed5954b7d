package dev.vitals.sample.db;

import java.util.Optional;

/**
 * Where and as whom to connect.
 *
 * @param jdbcUrl  the JDBC URL
 * @param user     user name, empty to let the driver decide
 * @param password password, empty for none
 */
public record ConnectionSettings(String jdbcUrl, Optional<String> user, Optional<String> password) {
    @Override
    public String toString() {
        // Never print the password, even by accident in a log line.
        return "ConnectionSettings[" + jdbcUrl + ", user=" + user.orElse("(driver default)") + "]";
    }
}
