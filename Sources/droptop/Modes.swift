#if canImport(Glibc)
import Glibc
#endif
import DropTopCore
import Synchronization
import SystemPackage

/// SIGINT/SIGTERM/SIGQUIT during a stream: finish the current line, then exit 0.
let stopRequested = Atomic<Int32>(0)

func installStreamSignals() {
    signal(SIGPIPE, SIG_IGN)   // a closed pipe shows up as EPIPE from write, then we exit 0
    let handler: @convention(c) (Int32) -> Void = { sig in stopRequested.store(sig, ordering: .relaxed) }
    catchSignals([SIGINT, SIGTERM, SIGQUIT], handler: handler)
}

enum OutputClosed: Error { case closed }

/// Writes all of `text` to stdout unbuffered (each report is flushed as it is written).
func emit(_ text: String) throws(OutputClosed) {
    guard !text.isEmpty else { return }
    var copy = text
    do {
        _ = try copy.withUTF8 { try FileDescriptor.standardOutput.writeAll(UnsafeRawBufferPointer($0)) }
    } catch {
        throw .closed
    }
}

/// Sleeps in short steps so that a stop request is noticed at once.
func pause(_ seconds: Double) { pause(until: Sampler.monotonicNow() + seconds) }

/// Sleeps until a monotonic deadline, or a stop request.
func pause(until end: Double) {
    while stopRequested.load(ordering: .relaxed) == 0 {
        let left = end - Sampler.monotonicNow()
        if left <= 0 { return }
        sleepSeconds(min(left, 0.2))
    }
}

/// Drives batch text and the JSON Lines stream: samples, records, reports, until `count`
/// reports were written, the recording ends, the reader goes away or a stop is requested.
func runStream(pipeline: Pipeline, interval: Double, count: Int?, recorder: RecordingWriter?,
               render: (Report) -> String, finish: () -> String) -> Int32 {
    installStreamSignals()
    var started = false
    var written = 0
    var errorLog = SourceErrorLog()
    var only: Report?   // a recording of one sample has nothing to compare it with: print it as it is
    // Deadlines from the first sample's start: one report every interval, without drift.
    var cadence = Cadence(interval: interval, start: Sampler.monotonicNow())
    do {
        while count.map({ written < $0 }) ?? true, stopRequested.load(ordering: .relaxed) == 0 {
            if pipeline.isLive && started { pause(until: cadence.next(after: Sampler.monotonicNow())) }
            if stopRequested.load(ordering: .relaxed) != 0 { break }
            guard let report = pipeline.next() else { break }
            errorLog.news(report.sample.errors).forEach(writeError)
            if !started && !report.sample.hasAnyData {
                writeError("droptop: nothing could be read (see the errors above)")
                return 1
            }
            if let recorder {
                do { try recorder.append(report.sample) } catch {
                    writeError("droptop: \(error.source): \(error.message)")
                    return 1
                }
            }
            if started {
                try emit(render(report))
                written += 1
                only = nil
            } else {
                only = report
            }
            started = true
        }
        if written == 0, let only, !pipeline.isLive { try emit(render(only)) }
        // Ctrl-C on a terminal leaves "^C" where the cursor was: the averages start on a line of their own.
        let interrupted = stopRequested.load(ordering: .relaxed) != 0 && isatty(1) == 1
        try emit((interrupted ? "\n" : "") + finish())
    } catch {
        return 0   // the reader closed the pipe (droptop -b 1 | head): not an error
    }
    return 0
}
