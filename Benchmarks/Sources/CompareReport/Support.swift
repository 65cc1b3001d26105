// Formatting for CompareReport (the shared helpers are in BenchmarkSupport).
import BenchmarkSupport

/// Milliseconds with three significant digits or so: 0.412, 4.12, 41.2, 412.
func milliseconds(_ value: Double) -> String {
    fixed(value, value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0)
}
