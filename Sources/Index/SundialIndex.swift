// The index module: series registry and inverted tag index. This file holds the module's
// namespace; the postings lists and their algebra are in Postings/.
import SundialStorage

/// Namespace of the index module.
public enum SundialIndexModule {
    /// The storage block format this index build reads.
    public static let blockFormatVersion = ColumnBlock.formatVersion
}
