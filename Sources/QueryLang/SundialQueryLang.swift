// The SQL front end: Lexer/ (bytes to tokens), Parser/ (tokens to a syntax tree, by
// recursive descent with precedence climbing and a depth limit) and AST/ (the tree and
// its printing back to SQL). The binder, planner and executor arrive with later issues.
import SundialIndex
import SundialStorage

/// Namespace of the query language module.
public enum SundialQueryLangModule {}
