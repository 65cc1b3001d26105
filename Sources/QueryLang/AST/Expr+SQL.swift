// Printing expressions back to SQL that parses to an equal tree.
//
// Parentheses are not stored, so the printer adds them exactly where the tree needs
// them: around an operand that binds more loosely than its position requires, and
// around a same-level operand of a left-associative run (which the parser would
// otherwise merge into the run). Recursion follows the tree's depth, which the
// parser bounds.

extension Expr: CustomStringConvertible {
    /// The expression as SQL in this dialect; parsing it gives back an equal `Expr`.
    public var description: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Appends the expression, parenthesized if it binds more loosely than `minimum`.
    func write(to out: inout String, minimum: Precedence = .or) {
        let parenthesized = precedence < minimum
        if parenthesized { out += "(" }
        writeBare(to: &out)
        if parenthesized { out += ")" }
    }

    /// Appends the operand of a prefix operator of level `level`. A prefix operator of
    /// the same or a tighter level needs no parentheses (`NOT NOT x`, `- -x`): it
    /// takes everything after it that binds at least as tightly as it does.
    private func writePrefixOperand(to out: inout String, level: Precedence) {
        if case .unary(let op, _) = kind, op.precedence >= level {
            writeBare(to: &out)
        } else {
            write(to: &out, minimum: level == .not ? Precedence.not.next : level)
        }
    }

    private func writeBare(to out: inout String) {
        switch kind {
        case .literal(let literal):
            out += literal.description
        case .column(let column):
            out += column.description
        case .parameter(let index):
            out += "$\(index)"
        case .unary(let op, let operand):
            var text = ""
            operand.writePrefixOperand(to: &text, level: op.precedence)
            switch op {
            case .not: out += "NOT "
            case .minus, .plus: out += op.rawValue + (text.hasPrefix("-") ? " " : "")  // not "--"
            }
            out += text
        case .binary(let first, let terms):
            let operandLevel = precedence.next
            first.write(to: &out, minimum: operandLevel)
            for term in terms {
                out += " \(term.op) "
                term.operand.write(to: &out, minimum: operandLevel)
            }
        case .isNull(let operand, let negated):
            operand.write(to: &out, minimum: .is)
            out += negated ? " IS NOT NULL" : " IS NULL"
        case .inList(let operand, let list, let negated):
            operand.write(to: &out, minimum: Precedence.membership.next)
            out += negated ? " NOT IN (" : " IN ("
            Expr.writeList(list, to: &out)
            out += ")"
        case .inSubquery(let operand, let query, let negated):
            operand.write(to: &out, minimum: Precedence.membership.next)
            out += negated ? " NOT IN (" : " IN ("
            query.write(to: &out)
            out += ")"
        case .between(let operand, let low, let high, let negated):
            operand.write(to: &out, minimum: Precedence.membership.next)
            out += negated ? " NOT BETWEEN " : " BETWEEN "
            low.write(to: &out, minimum: Precedence.membership.next)
            out += " AND "
            high.write(to: &out, minimum: Precedence.membership.next)
        case .like(let operand, let pattern, let negated):
            operand.write(to: &out, minimum: Precedence.membership.next)
            out += negated ? " NOT LIKE " : " LIKE "
            pattern.write(to: &out, minimum: Precedence.membership.next)
        case .caseWhen(let operand, let branches, let otherwise):
            out += "CASE"
            if let operand {
                out += " "
                operand.write(to: &out)
            }
            for branch in branches {
                out += " WHEN "
                branch.condition.write(to: &out)
                out += " THEN "
                branch.result.write(to: &out)
            }
            if let otherwise {
                out += " ELSE "
                otherwise.write(to: &out)
            }
            out += " END"
        case .cast(let operand, let type, .function):
            out += "CAST("
            operand.write(to: &out)
            out += " AS \(type))"
        case .cast(let operand, let type, .doubleColon):
            operand.write(to: &out, minimum: .cast)
            out += "::\(type)"
        case .function(let call):
            out += call.description
        case .extract(let field, let operand):
            out += "EXTRACT(\(field) FROM "
            operand.write(to: &out)
            out += ")"
        case .subquery(let query):
            out += "("
            query.write(to: &out)
            out += ")"
        }
    }

    static func writeList(_ list: [Expr], to out: inout String) {
        for (i, expr) in list.enumerated() {
            if i > 0 { out += ", " }
            expr.write(to: &out)
        }
    }
}

extension FunctionCall: CustomStringConvertible {
    /// The call as SQL: `name(args)`.
    public var description: String {
        var out = name.description + "("
        switch arguments {
        case .star:
            out += "*"
        case .list(let list, let distinct):
            if distinct { out += "DISTINCT " }
            Expr.writeList(list, to: &out)
        }
        return out + ")"
    }
}
