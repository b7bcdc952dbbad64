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
@discardableResult
func run(_ executable: String, _ arguments: [String], timeout: Double = 30, stdin: String? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    if let stdin {
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    } else {
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }
    let deadline = DispatchTime.now() + timeout
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data(), errData = Data()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if group.wait(timeout: deadline) == .timedOut {
        process.terminate()
        Issue.record("\(executable) \(arguments) timed out after \(timeout) s")
    }
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
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
