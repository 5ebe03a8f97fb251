import ArgumentParser

extension ValidationError {
    /// `invalid value 'VALUE' for OPTION: REASON` (the value is escaped when the line is printed).
    static func invalidValue(_ value: String, for option: String, _ reason: String) -> ValidationError {
        ValidationError("invalid value '\(value)' for \(option): \(reason)")
    }

    /// `invalid value N for OPTION: REASON`.
    static func invalidValue<N: Numeric>(_ value: N, for option: String, _ reason: String) -> ValidationError {
        ValidationError("invalid value \(value) for \(option): \(reason)")
    }
}
