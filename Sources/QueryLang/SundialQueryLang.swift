// The SQL dialect (lexer, parser, planner, executor) arrives with the query issue.
import SundialIndex
import SundialStorage

/// Namespace of the query language module.
public enum SundialQueryLangModule {}
