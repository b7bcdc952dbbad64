#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import DropTopCore

extension ListenAddress: ExpressibleByArgument {
    public init?(argument: String) {
        guard case .success(let address) = ListenAddress.parse(argument) else { return nil }
        self = address
    }
}

/// What --listen and --textfile share: the one Pipeline sampling every --interval on this
/// thread; each report is published to the HTTP server, which renders it as exposition text
/// when the first scrape after it asks, and/or rendered and written to the textfile.
struct FleetExport {
    var server: MetricsServer?
    var textfile: TextfileWriter?
    var recorder: RecordingWriter?
    /// The last textfile error shown, so a lasting problem is reported once, not every interval.
    private var lastTextfileError: String?

    init(server: MetricsServer?, textfile: TextfileWriter?, recorder: RecordingWriter?) {
        self.server = server
        self.textfile = textfile
        self.recorder = recorder
    }

    /// Runs until SIGINT/SIGTERM (exit 0). A replayed recording is paced at `interval`; when it
    /// ends, the server keeps serving the last report and a textfile-only run ends. The first
    /// textfile write must succeed (exit 1 otherwise: the directory is wrong); later failures
    /// are reported on stderr and the run goes on.
    mutating func run(pipeline: Pipeline, interval: Double) -> Int32 {
        installStreamSignals()
        var started = false
        var cadence = Cadence(interval: interval, start: Sampler.monotonicNow())   // deadlines, no drift
        while stopRequested.load(ordering: .relaxed) == 0 {
            if started { pause(until: cadence.next(after: Sampler.monotonicNow())) }
            if stopRequested.load(ordering: .relaxed) != 0 { break }
            let begin = Sampler.monotonicNow()
            guard let report = pipeline.next() else {
                if server == nil { break }
                started = true
                continue
            }
            let duration = Sampler.monotonicNow() - begin
            if let recorder {
                do { try recorder.append(report.sample) } catch {
                    writeError("droptop: \(error.source): \(error.message)")
                    return stopServing(1)
                }
            }
            if textfile != nil {
                let text = PrometheusReport.text(report, sampleDurationSeconds: duration)
                server?.publish(metrics: text)
                if !writeTextfile(text) && !started { return stopServing(1) }
            } else {
                server?.publish(rendering: { PrometheusReport.text(report, sampleDurationSeconds: duration) })
            }
            if !started, let server {
                do { try server.start() } catch {
                    writeError("droptop: --listen \(DisplayName.escaped(error.message))")
                    return 1
                }
                writeError("droptop: listening on \(server.metricsURL)")
            }
            started = true
        }
        return stopServing(0)
    }

    private func stopServing(_ status: Int32) -> Int32 {
        server?.stop()
        return status
    }

    /// Writes the textfile; false (after saying why, once per distinct problem) when it failed.
    private mutating func writeTextfile(_ text: String) -> Bool {
        guard let textfile else { return true }
        do {
            try textfile.write(text, now: Sampler.wallNow())
            if lastTextfileError != nil {
                writeError("droptop: --textfile \(DisplayName.escaped(textfile.path)): written again")
                lastTextfileError = nil
            }
            return true
        } catch {
            if error.message != lastTextfileError {
                writeError("droptop: --textfile \(DisplayName.escaped(error.message))")
                lastTextfileError = error.message
            }
            return false
        }
    }
}
