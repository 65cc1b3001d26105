// Mapping engine errors to Error frames, in one place (STYLE.md: "The server maps errors
// to status codes in one place"). The HTTP server maps the same errors to statuses.
import Sundial
import SundialQueryLang
import SundialServerCore
import SundialStorage
import SundialWire

extension Frame.Failure {
    /// The Error frame for a failed statement.
    static func from(_ error: QueryError, requestID: UInt32, cancelled: Bool) -> Frame.Failure {
        if cancelled { return Frame.Failure(requestID: requestID, code: .cancelled, message: "the request was cancelled") }
        let code: Code = switch error.code {
        case .lexical, .syntax, .tooDeep: .syntax
        case .unknownTable, .unknownColumn: .unknownName
        case .type, .divisionByZero, .outOfRange, .invalidText: .invalidQuery
        case .unsupported: .unsupported
        case .limitExceeded: .limitExceeded
        case .storage: .storage
        case .permissionDenied: .forbidden
        default: .internal
        }
        return Frame.Failure(requestID: requestID, code: code, message: error.message,
                             line: UInt32(clamping: max(0, error.line ?? 0)), column: UInt32(clamping: max(0, error.column ?? 0)))
    }

    /// The Error frame for a failed write.
    static func from(_ error: StorageError, requestID: UInt32) -> Frame.Failure {
        let code: Code = error.code == .invalidArgument || error.code == .limitExceeded ? .invalidWrite : .storage
        return Frame.Failure(requestID: requestID, code: code, message: error.message)
    }

    /// The Error frame for a refused credential.
    static func from(_ error: AuthError) -> Frame.Failure {
        Frame.Failure(requestID: 0, code: error.code == .forbidden ? .forbidden : .unauthorized, message: error.message)
    }

    /// The Error frame for bytes that did not decode.
    static func from(_ error: WireError) -> Frame.Failure {
        let code: Code = switch error.code {
        case .frameTooLarge: .frameTooLarge
        case .protocolViolation: .protocolViolation
        case .unsupportedVersion: .unsupportedVersion
        default: .badFrame
        }
        return Frame.Failure(requestID: 0, code: code, message: error.description)
    }
}
