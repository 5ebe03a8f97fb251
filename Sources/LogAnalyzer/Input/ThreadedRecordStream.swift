import CSystem
import Foundation

/// Reads a `RecordStream` on its own thread, handing records over in batches through a bounded
/// queue: parsing of an input overlaps with the session tracking of the reading thread
/// (`--jobs` above 1, several inputs). Order is unchanged, so results are identical to reading
/// in line.
final class ThreadedRecordStream: @unchecked Sendable {
    private let stream: RecordStream
    private let condition = NSCondition()
    private var batches: [[LogRecord]] = []
    private var finished = false
    /// Batches the reader is done with: the parsing thread frees their records (memory goes
    /// back to its own allocator arena) and fills the arrays again.
    private var trash: [[LogRecord]] = []
    private var current: [LogRecord] = []
    private var position = 0
    private let batchSize: Int
    private let depth: Int
    /// The worker's diagnostics, merged by the owner after the input is exhausted.
    private(set) var diagnostics = DiagnosticSink()

    var stats: InputStats { stream.stats }
    var input: InputDescriptor { stream.input }
    /// The clock as the input ended (read once `ensure()` returned false: the parsing thread is done).
    var clockCarry: StreamClock.Carry { stream.clockCarry }

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
        var spare: [[LogRecord]] = []
        var batch: [LogRecord] = []
        batch.reserveCapacity(batchSize)
        stream.drain(diagnostics: &local) { record in
            batch.append(record)
            if batch.count == batchSize {
                var garbage = push(batch, done: false)
                for i in garbage.indices { garbage[i].removeAll(keepingCapacity: true) }
                spare += garbage
                batch = spare.popLast() ?? []
                batch.reserveCapacity(batchSize)
            }
        }
        condition.lock()
        diagnostics = local
        condition.unlock()
        _ = push(batch, done: true)
    }

    /// Queues a batch; returns the batches the reader has finished with.
    private func push(_ batch: [LogRecord], done: Bool) -> [[LogRecord]] {
        condition.lock()
        while batches.count >= depth { condition.wait() }
        if !batch.isEmpty { batches.append(batch) }
        if done { finished = true }
        var garbage: [[LogRecord]] = []
        swap(&garbage, &trash)
        condition.broadcast()
        condition.unlock()
        return garbage
    }

    /// Whether a record is waiting (blocking until the parsing thread delivers one or ends).
    func ensure() -> Bool {
        if position < current.count { return true }
        condition.lock()
        if !current.isEmpty && !finished { trash.append(current) }
        current = []
        position = 0
        while batches.isEmpty && !finished { condition.wait() }
        if batches.isEmpty {
            condition.unlock()
            return false
        }
        current = batches.removeFirst()
        condition.broadcast()
        condition.unlock()
        return true
    }

    /// The time of the waiting record (after `ensure` returned true).
    var headTime: Timestamp? { current[position].time }

    /// Hands the waiting record to `body` where it lies, and moves past it.
    func consume(_ body: (inout LogRecord) -> Void) {
        current.withUnsafeMutableBufferPointer { body(&$0[position]) }
        position += 1
    }
}
