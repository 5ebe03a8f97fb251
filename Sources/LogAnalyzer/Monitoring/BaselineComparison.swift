/// Before/after of two monitoring reports, with verdicts that noise does not flip.
///
/// * Latency percentiles: compared only with at least 20 samples on both sides (50 for p95);
///   a change counts when it is at least 10 % and at least 50 ms.
/// * Finding rates and sessions without audio: two-proportion z-test, |z| ≥ 1.96 (95 %), at
///   least 20 sessions on both sides.
/// * Error counts per session: Poisson rate z-test, |z| ≥ 1.96. `tokenExpiredErrors` has a target
///   of zero: any after a clean baseline is worse; so has the `server-exit` rate.
/// * A rule the baseline has no entry for (a report written before that detector existed) is
///   not compared: its 0 sessions there were never looked for.
public enum BaselineComparison {
    public enum Verdict: String, Sendable {
        case better, worse, unchanged
        case insufficient = "too few samples"
        /// The baseline does not list the rule: it was written before the detector existed.
        case notInBaseline = "not in baseline"
    }

    public struct Row: Sendable, Equatable {
        public var metric: String
        public var before: Double?
        public var after: Double?
        public var unit: String
        public var verdict: Verdict
    }

    public static func compare(before b: MonitorSummary, after a: MonitorSummary) -> [Row] {
        var rows: [Row] = []
        for key in ["greetingSeconds", "connectSeconds", "responseSeconds"] {
            let lb = b.latency[key] ?? .init(count: 0)
            let la = a.latency[key] ?? .init(count: 0)
            for (name, p, minimum) in [("p50", \MonitorSummary.Latency.p50, 20), ("p95", \MonitorSummary.Latency.p95, 50)] {
                let x = lb[keyPath: p]
                let y = la[keyPath: p]
                var verdict = Verdict.insufficient
                if let x, let y, lb.count >= minimum, la.count >= minimum {
                    // In whole milliseconds, as the figures are kept and written: 3.000 → 3.300 s is
                    // 10 %, though 3.3 - 3.0 falls short of 0.1 × 3.0 in binary floating point.
                    let before = (x * 1000).rounded()
                    let delta = (y * 1000).rounded() - before
                    verdict = abs(delta) * 10 >= before && abs(delta) >= 50 ? (delta < 0 ? .better : .worse) : .unchanged
                }
                rows.append(Row(metric: "\(key) \(name)", before: x, after: y, unit: "s", verdict: verdict))
            }
        }
        for d in DetectorRegistry.all {
            let id = d.descriptor.id
            let y = a.rules[id]?.sessions ?? 0
            guard let x = b.rules[id]?.sessions else {
                rows.append(Row(metric: "\(id) rate", before: nil, after: rate(y, a.sessions), unit: "%", verdict: .notInBaseline))
                continue
            }
            var verdict = proportion(x, b.sessions, y, a.sessions)
            if Self.zeroTargetRules.contains(id) && x == 0 && y > 0 && b.sessions > 0 { verdict = .worse }
            rows.append(Row(metric: "\(id) rate", before: rate(x, b.sessions), after: rate(y, a.sessions), unit: "%", verdict: verdict))
        }
        rows.append(Row(metric: "sessionsWithoutAudio rate", before: rate(b.counts["sessionsWithoutAudio"] ?? 0, b.sessions),
                        after: rate(a.counts["sessionsWithoutAudio"] ?? 0, a.sessions), unit: "%",
                        verdict: proportion(b.counts["sessionsWithoutAudio"] ?? 0, b.sessions, a.counts["sessionsWithoutAudio"] ?? 0, a.sessions)))
        for key in MonitorSummary.errorCountKeys {
            let x = b.counts[key] ?? 0
            let y = a.counts[key] ?? 0
            var verdict = if let sb = b.errorSquares[key], let sa = a.errorSquares[key] {
                perSession(x, sb, b.sessions, y, sa, a.sessions)
            } else {
                poisson(x, b.sessions, y, a.sessions)
            }
            if key == "tokenExpiredErrors" && x == 0 && y > 0 && b.sessions > 0 { verdict = .worse }
            rows.append(Row(metric: key, before: Double(x), after: Double(y), unit: "count", verdict: verdict))
        }
        return rows
    }

    /// Rules whose target is zero, like `tokenExpiredErrors`: any session with one after a clean
    /// baseline is worse. A livekit-server crash or stop that cut calls is one event that ends
    /// every session live on the server, so its sessions are not independent samples, and the
    /// z-test had called a crash that cut 4 of 493 calls (0 of 420 before) unchanged.
    static let zeroTargetRules: Set<String> = ["server-exit"]

    static func rate(_ x: Int, _ n: Int) -> Double? { n == 0 ? nil : Double(x) / Double(n) }

    /// Two-proportion z-test; lower is better.
    static func proportion(_ x1: Int, _ n1: Int, _ x2: Int, _ n2: Int) -> Verdict {
        guard n1 >= 20, n2 >= 20 else { return .insufficient }
        let p1 = Double(x1) / Double(n1)
        let p2 = Double(x2) / Double(n2)
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        guard se > 0 else { return .unchanged }
        let z = (p2 - p1) / se
        return abs(z) >= 1.96 ? (z < 0 ? .better : .worse) : .unchanged
    }

    /// z-test of the mean count per session from each side's total `x`, sum of squares `q` and
    /// sessions `n` (Welch): a failed session logs its 401 once per retry, so counts vary far
    /// more than a Poisson count does, and the Poisson test called two runs of one deployment
    /// different (a later run worse in 56 of 380 ordered pairs of 20 same-settings runs, against
    /// the 2.5 % a 5 % two-sided test allows on one side; 9 of 380 with this one). The variance
    /// is at least the Poisson one (the mean).
    static func perSession(_ x1: Int, _ q1: Int, _ n1: Int, _ x2: Int, _ q2: Int, _ n2: Int) -> Verdict {
        guard n1 >= 20, n2 >= 20 else { return .insufficient }
        func meanAndVariance(_ x: Int, _ q: Int, _ n: Int) -> (Double, Double) {
            let (sx, sq, sn) = (Double(x), Double(q), Double(n))
            let mean = sx / sn
            let variance = max(0, (sq - sx * mean) / (sn - 1))
            return (mean, max(variance, mean))
        }
        let (m1, v1) = meanAndVariance(x1, q1, n1)
        let (m2, v2) = meanAndVariance(x2, q2, n2)
        let se = (v1 / Double(n1) + v2 / Double(n2)).squareRoot()
        guard se > 0 else { return .unchanged }
        let z = (m2 - m1) / se
        return abs(z) >= 1.96 ? (z < 0 ? .better : .worse) : .unchanged
    }

    /// Poisson rate z-test of counts per session (a baseline without `sumsOfSquares`); lower is better.
    static func poisson(_ x1: Int, _ n1: Int, _ x2: Int, _ n2: Int) -> Verdict {
        guard n1 >= 20, n2 >= 20 else { return .insufficient }
        let r1 = Double(x1) / Double(n1)
        let r2 = Double(x2) / Double(n2)
        // (Squared as doubles: a baseline's session count is read up to 2^53.)
        let se = (Double(x1) / (Double(n1) * Double(n1)) + Double(x2) / (Double(n2) * Double(n2))).squareRoot()
        guard se > 0 else { return .unchanged }
        let z = (r2 - r1) / se
        return abs(z) >= 1.96 ? (z < 0 ? .better : .worse) : .unchanged
    }
}
