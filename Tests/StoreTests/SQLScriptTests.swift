import Store
import XCTest

final class SQLScriptTests: XCTestCase {
    func testSplitsAtTopLevelSemicolons() {
        let sql = """
            -- leading comment; not a statement
            CREATE TABLE a (x TEXT DEFAULT 'semi;colon', "odd;name" INT);
            /* block; /* nested; */ still comment */
            INSERT INTO a (x) VALUES (E'it\\'s; fine');
            CREATE FUNCTION f() RETURNS INT AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql;
            SELECT $$a;b$$, 'x''y;z'
            """
        let statements = SQLScript.statements(sql)
        XCTAssertEqual(statements.count, 4, "\(statements)")
        XCTAssertTrue(statements[0].hasSuffix("\"odd;name\" INT)"), statements[0])
        XCTAssertTrue(statements[1].hasSuffix("VALUES (E'it\\'s; fine')"), statements[1])
        XCTAssertTrue(statements[2].contains("RETURN 1; END $body$"), statements[2])
        XCTAssertEqual(statements[3], "SELECT $$a;b$$, 'x''y;z'")
    }

    func testDropsEmptyAndCommentOnlyStatements() {
        XCTAssertEqual(SQLScript.statements(";;\n-- only a comment\n;  "), [])
        XCTAssertEqual(SQLScript.statements("SELECT 1"), ["SELECT 1"])
    }

    func testBundledInitialMigrationSplits() throws {
        let initial = try XCTUnwrap(Migration.bundled().first)
        XCTAssertEqual(initial.version, 1)
        let statements = SQLScript.statements(initial.sql)
        XCTAssertGreaterThan(statements.count, 20)
        XCTAssertTrue(statements.allSatisfy { !$0.hasSuffix(";") })
    }
}
