// FuzzSQL: libFuzzer target for the SQL front end: lexer, parser, printer and binder.
//
// Input: the query text (bytes, any encoding). Checks: nothing traps or overflows the
// stack; every error points inside the input (or just past its end); a statement that
// parses prints to SQL that parses to the same statement; a SELECT binds against a
// fixed catalog (cpu: time, hostname and region tags, usage DOUBLE, n BIGINT, ok
// BOOLEAN, msg STRING) or fails with a located QueryError. Run with the keyword
// dictionary (Fuzz/dict/sql.dict, added by run.sh) for grammar-aware mutations.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import SundialQueryLang
import SundialStorage

let catalog: Catalog = {
    var catalog = Catalog()
    try! catalog.apply(.createTable(name: "cpu", options: TableOptions(), columns: [
        ColumnDefinition(name: "time", type: .timestamp), ColumnDefinition(name: "hostname", type: .tag),
        ColumnDefinition(name: "region", type: .tag), ColumnDefinition(name: "usage", type: .double),
        ColumnDefinition(name: "n", type: .bigint), ColumnDefinition(name: "ok", type: .boolean),
        ColumnDefinition(name: "msg", type: .string),
    ]))
    return catalog
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0, size <= 4096 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let statement: Statement
    do {
        statement = try SQLParser.parse(utf8: bytes)
    } catch {
        if let offset = error.location?.offset, offset > size { fatalError("error at \(offset) past the input (\(size) bytes): \(error)") }
        return 0
    }
    let printed = "\(statement)"
    guard let again = try? SQLParser.parse(printed), again == statement else {
        fatalError("printed statement does not reparse to the same tree: \(printed)")
    }
    if case .query(let query) = statement {
        do {
            _ = try Binder.plan(query, catalog: catalog, parameters: [.bigint(1), .string("x")], now: 1_700_000_000_000_000_000)
        } catch {
            if let offset = error.location?.offset, offset > size { fatalError("binder error at \(offset) past the input: \(error)") }
        }
    }
    return 0
}

FuzzDriver.run(fuzzOne)
