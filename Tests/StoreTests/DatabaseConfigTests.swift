import Store
import XCTest

final class DatabaseConfigTests: XCTestCase {
    func testParsesFullURL() throws {
        let config = try DatabaseConfig(url: "postgres://kiln:s%40cret@db.example:6543/builds?sslmode=require")
        XCTAssertEqual(config.host, "db.example")
        XCTAssertEqual(config.port, 6543)
        XCTAssertEqual(config.username, "kiln")
        XCTAssertEqual(config.password, "s@cret")
        XCTAssertEqual(config.database, "builds")
        XCTAssertEqual(config.tls, .require)
    }

    func testDefaultsPortDatabaseAndTLS() throws {
        let config = try DatabaseConfig(url: "postgresql://alice@localhost")
        XCTAssertEqual(config.port, 5432)
        XCTAssertEqual(config.database, "alice")
        XCTAssertNil(config.password)
        XCTAssertEqual(config.tls, .disable)
    }

    func testURLRoundTrips() throws {
        let config = DatabaseConfig(
            host: "127.0.0.1", port: 5999, username: "kiln", password: "p@ss/word",
            database: "kiln_t_1", tls: .disable)
        XCTAssertEqual(try DatabaseConfig(url: config.url), config)
        XCTAssertFalse(config.redactedURL.contains("word"))
    }

    func testRejectsBadURLs() {
        let cases: [(String, String)] = [
            ("mysql://kiln@localhost/kiln", "scheme must be postgres"),
            ("localhost:5432/kiln", "scheme"),
            ("postgres:///kiln", "missing host"),
            ("postgres://localhost/kiln", "missing user name"),
            ("postgres://kiln@localhost/kiln?sslmode=sometimes", "sslmode must be"),
            ("postgres://kiln@localhost/kiln?connect_timeout=3", "unsupported parameter 'connect_timeout'"),
            ("postgres://kiln@localhost/a/b", "must not contain '/'")
        ]
        for (url, expected) in cases {
            XCTAssertThrowsError(try DatabaseConfig(url: url), url) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(url): \(error)")
            }
        }
    }

    func testErrorNeverShowsPassword() {
        XCTAssertThrowsError(try DatabaseConfig(url: "postgres://kiln:hunter2@localhost/kiln?sslmode=bogus")) { error in
            XCTAssertFalse("\(error)".contains("hunter2"), "\(error)")
        }
    }
}
