import Foundation
import Testing

/// The built droptop binary: it sits beside the test bundle in the build directory.
let droptopBinary: String = {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("droptop").path
}()

let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

func fixture(_ name: String) -> [String] {
    let root = packageRoot + "/Tests/Fixtures/" + name
    return ["--proc", root + "/proc", "--sys", root + "/sys"]
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }
}

/// Runs a program to completion (killed after `timeout` seconds) and captures its output.
/// Starts `executable` with stdin from the file `stdin` and stdout, stderr into `output`.out and
/// `output`.err, every signal unblocked and at its default: test threads may block signals, and
/// the child (and tmux, bash and droptop under it) must not inherit that.
func spawn(_ executable: String, _ arguments: [String], stdin: String, output: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, output + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t(), all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw NamespaceError(message: "posix_spawn \(executable): \(spawned)") }
    return pid
}

/// Uses posix_spawn and waitpid with output in temporary files: Foundation's Process does not
/// notice the exit of a program whose daemon child keeps inherited descriptors (tmux).
@discardableResult
func run(_ executable: String, _ arguments: [String], timeout: Double = 30, stdin: String? = nil) throws -> RunResult {
    let base = NSTemporaryDirectory() + "droptop-run-\(UUID().uuidString)"
    try (stdin ?? "").write(toFile: base + ".in", atomically: true, encoding: .utf8)
    defer { for s in [".in", ".out", ".err"] { try? FileManager.default.removeItem(atPath: base + s) } }
    let pid = try spawn(executable, arguments, stdin: base + ".in", output: base)
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(timeout)
    while waitpid(pid, &status, WNOHANG) == 0 {
        if Date() > deadline {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            Issue.record("\(executable) \(arguments) timed out after \(timeout) s")
            break
        }
        usleep(5_000)
    }
    // Exit code, or 128 + signal like a shell.
    let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let stdout = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
    return RunResult(status: exitStatus, stdout: stdout, stderr: stderr)
}

func droptop(_ arguments: [String], timeout: Double = 30) throws -> RunResult {
    try run(droptopBinary, arguments, timeout: timeout)
}

/// Writes `text` to a temporary file and validates it with Tests/validate_json.py.
func validateAgainstSchema(_ text: String) throws -> RunResult {
    let path = NSTemporaryDirectory() + "droptop-\(UUID().uuidString).json"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try run("/usr/bin/env", ["python3", packageRoot + "/Tests/validate_json.py", path])
}

var isRoot: Bool { getuid() == 0 }

/// A dictionary path lookup for JSON: value(json, "tcp", "states", "LISTEN").
func value(_ object: Any?, _ path: String...) -> Any? {
    var current = object
    for key in path {
        if let index = Int(key), let array = current as? [Any] {
            current = index < array.count ? array[index] : nil
        } else {
            current = (current as? [String: Any])?[key]
        }
    }
    return current
}

func int(_ object: Any?, _ path: String...) -> Int? {
    var current = object
    for key in path { current = value(current, key) }
    return (current as? NSNumber)?.intValue
}
