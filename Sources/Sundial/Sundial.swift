// The Sundial module: the embedding facade. Re-exports the storage types an application
// needs (write batches, column values, errors).
@_exported import SundialStorage
@_exported import SundialQueryLang
@_exported import SundialIndex

/// Sundial's version string.
public enum SundialVersion {
    /// The release this build belongs to.
    public static let current = "0.1.0-dev"
}
