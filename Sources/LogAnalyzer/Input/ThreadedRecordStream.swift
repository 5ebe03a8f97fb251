import CSystem
import Foundation

/// Reads a `RecordStream` on its own thread, handing records over in batches through a bounded
/// queue: parsing of an input overlaps with the session tracking of the reading thread
/// (`--jobs` above 1). Order is unchanged, so results are identical to reading in line.
final class ThreadedRecordStream: @unchecked Sendable {
    private let stream: RecordStream
    private let condition = NSCondition()
    private var batches: [[LogRecord?]] = []
    private var finished = false
    private var current: [LogRecord?] = []
    private var position = 0
    private let batchSize: Int
    private let depth: Int
    /// The worker's diagnostics, merged by the owner after the input is exhausted.
    private(set) var diagnostics = DiagnosticSink()

    var stats: InputStats { stream.stats }
    var input: InputDescriptor { stream.input }

    init(_ stream: RecordStream, batchSize: Int = 4096, depth: Int = 8) {
        self.stream = stream
        self.batchSize = batchSize
        self.depth = depth
        let thread = Thread { [self] in self.produce() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func produce() {
        // Yield to the tracking thread when sharing a core with it (see ChunkedRecordStream).
        _ = csystem_nice_current_thread(5)
        var local = DiagnosticSink(keepPerKind: 3)
        var batch: [LogRecord?] = []
        batch.reserveCapacity(batchSize)
        while let record = stream.next(diagnostics: &local) {
            batch.append(record)
            if batch.count == batchSize {
                push(batch, done: false)
                batch = []
                batch.reserveCapacity(batchSize)
            }
        }
        condition.lock()
        diagnostics = local
        condition.unlock()
        push(batch, done: true)
    }

    private func push(_ batch: [LogRecord?], done: Bool) {
        condition.lock()
        while batches.count >= depth { condition.wait() }
        if !batch.isEmpty { batches.append(batch) }
        if done { finished = true }
        condition.broadcast()
        condition.unlock()
    }

    /// The next record, in input order; nil at the end.
    func next() -> LogRecord? {
        if position < current.count {
            defer { position += 1 }
            return current[position].take()
        }
        condition.lock()
        while batches.isEmpty && !finished { condition.wait() }
        if batches.isEmpty {
            condition.unlock()
            return nil
        }
        current = batches.removeFirst()
        condition.broadcast()
        condition.unlock()
        position = 1
        return current[0].take()
    }
}
